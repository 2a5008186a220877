package demo

import (
	"fmt"
	"strings"
)

// English names of the demo district's areas, for the English interface:
// the streets as they are known, residential areas in pinyin.

// DistrictNameEN is the demo district's English name.
const DistrictNameEN = "Xuhui District"

// streetNamesEN are the streets' and the town's English names.
var streetNamesEN = map[string]string{
	"湖南路街道": "Hunan Road Subdistrict", "天平路街道": "Tianping Road Subdistrict", "枫林路街道": "Fenglin Road Subdistrict",
	"徐家汇街道": "Xujiahui Subdistrict", "斜土路街道": "Xietu Road Subdistrict", "长桥街道": "Changqiao Subdistrict",
	"漕河泾街道": "Caohejing Subdistrict", "康健新村街道": "Kangjian Xincun Subdistrict", "虹梅路街道": "Hongmei Road Subdistrict",
	"田林街道": "Tianlin Subdistrict", "凌云路街道": "Lingyun Road Subdistrict", "龙华街道": "Longhua Subdistrict", "华泾镇": "Huajing Town",
}

// residentialSuffixesEN words residentialSuffixes.
var residentialSuffixesEN = map[string]string{
	"一村": "No. 1 Village", "二村": "No. 2 Village", "三村": "No. 3 Village", "新村": "New Village", "北": "North", "南": "South",
	"苑": "Court", "花园": "Garden", "公寓": "Apartments", "坊": "Lane", "东": "East", "西": "West",
}

// pinyin holds every character of the residential stems (data.go), read
// as they are read in these place names (长 is chang, 乐 is le).
var pinyin = map[rune]string{
	'丁': "ding", '三': "san", '上': "shang", '东': "dong", '中': "zhong", '丰': "feng", '丽': "li", '乐': "le", '云': "yun", '五': "wu",
	'交': "jiao", '亭': "ting", '余': "yu", '健': "jian", '元': "yuan", '光': "guang", '兰': "lan", '关': "guan", '兴': "xing", '冠': "guan",
	'凌': "ling", '北': "bei", '医': "yi", '华': "hua", '南': "nan", '原': "yuan", '双': "shuang", '发': "fa", '口': "kou", '古': "gu",
	'吴': "wu", '善': "shan", '嘉': "jia", '园': "yuan", '国': "guo", '土': "tu", '城': "cheng", '塘': "tang", '复': "fu", '大': "da",
	'天': "tian", '太': "tai", '学': "xue", '宁': "ning", '宅': "zhai", '安': "an", '定': "ding", '宛': "wan", '宜': "yi", '宝': "bao",
	'家': "jia", '富': "fu", '寿': "shou", '小': "xiao", '局': "ju", '山': "shan", '岳': "yue", '岸': "an", '峰': "feng", '川': "chuan",
	'州': "zhou", '平': "ping", '广': "guang", '庆': "qing", '康': "kang", '建': "jian", '开': "kai", '徐': "xu", '德': "de", '恒': "heng",
	'成': "cheng", '打': "da", '文': "wen", '斜': "xie", '新': "xin", '日': "ri", '昌': "chang", '明': "ming", '春': "chun", '晖': "hui",
	'景': "jing", '木': "mu", '村': "cun", '杨': "yang", '林': "lin", '枫': "feng", '柳': "liu", '桂': "gui", '桥': "qiao", '梅': "mei",
	'梧': "wu", '欣': "xin", '武': "wu", '水': "shui", '永': "yong", '汇': "hui", '江': "jiang", '汾': "fen", '沁': "qin", '沪': "hu",
	'河': "he", '泉': "quan", '泾': "jing", '浦': "pu", '海': "hai", '淮': "huai", '清': "qing", '港': "gang", '湖': "hu", '湾': "wan",
	'溪': "xi", '滨': "bin", '漕': "cao", '潘': "pan", '理': "li", '瑞': "rui", '生': "sheng", '田': "tian", '百': "bai", '石': "shi",
	'秀': "xiu", '站': "zhan", '紫': "zi", '罗': "luo", '翠': "cui", '肇': "zhao", '臻': "zhen", '色': "se", '花': "hua", '苍': "cang",
	'苑': "yuan", '茶': "cha", '蒲': "pu", '薇': "wei", '虹': "hong", '街': "jie", '衡': "heng", '裕': "yu", '西': "xi", '谨': "jin",
	'谷': "gu", '路': "lu", '道': "dao", '邮': "you", '金': "jin", '钥': "yue", '钦': "qin", '锦': "jin", '镇': "zhen", '长': "chang",
	'门': "men", '闵': "min", '阳': "yang", '陇': "long", '院': "yuan", '陵': "ling", '雪': "xue", '零': "ling", '香': "xiang", '高': "gao",
	'龙': "long",
}

// toPinyin spells a stem in pinyin as one capitalised word ("武康" → "Wukang");
// a character missing from the table is kept as it is.
func toPinyin(s string) string {
	var b strings.Builder
	for _, r := range s {
		if p, ok := pinyin[r]; ok {
			b.WriteString(p)
		} else {
			b.WriteRune(r)
		}
	}
	w := b.String()
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// residentialNameEN is the English name of the residential area base of
// street spec, made as residentialNames made it from a stem and a suffix
// ("武康一村" → "Wukang No. 1 Village Residential Area").
func residentialNameEN(spec streetSpec, base string) string {
	for _, suf := range residentialSuffixes {
		for _, stem := range spec.stems {
			if stem+suf == base {
				name := toPinyin(stem)
				if suf != "" {
					name += " " + residentialSuffixesEN[suf]
				}
				return name + " Residential Area"
			}
		}
	}
	return toPinyin(base) + " Residential Area"
}

// gridNameEN is the English name of grid n.
func gridNameEN(n int) string { return fmt.Sprintf("Grid %d", n) }
