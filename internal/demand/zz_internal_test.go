package demand

import (
	"fmt"
	"testing"
)

func TestScratchInternal(t *testing.T) {
	texts := []string{
		"3号楼楼下每天晚上广场舞音响声音太大，严重扰民",
		"3号楼楼下广场舞每天晚上声音太大太吵，扰民严重",
		"三号楼下面广场舞音响太响了，晚上睡不着",
		"小区门口的垃圾箱满了没人清运，气味很大",
		"3号楼楼下垃圾箱满了没人清运",
		"3号楼楼下每天晚上有人违章停车，堵住消防通道",
		"小区里每天晚上有人遛狗不牵绳，声音太大吓到小孩",
		"隔壁饭店油烟太大，每天晚上排风扇噪音扰民",
		"我们小区3号楼下面每天晚上跳广场舞，音响开得特别大，吵得没法休息",
		"广场舞噪音扰民",
		"3号楼楼上装修噪音太大，每天早上七点就开始",
	}
	for i := range texts {
		for j := range texts {
			if j <= i {
				continue
			}
			a, b := Bigrams(texts[i]), Bigrams(texts[j])
			fmt.Printf("%2d-%2d dice=%.3f text=%.3f score=%.3f\n", i, j, Similarity(a, b), textSimilarity(a, b), Score(a, Candidate{Bigrams: b, SameArea: true, SameCategory: true, AgeDays: 1}))
		}
	}
}
