package demo

// The constant tables the demo district is built from. Street names are
// Xuhui's real ones; residential areas, shops and organisations are made up
// from name parts, so any likeness to a real body's figures is chance.

// streetSpec describes one street or town of the demo district.
type streetSpec struct {
	name        string
	residential int     // residential areas (18–30; 306 in all)
	shops       float64 // relative weight of street shops
	twoNew      float64 // relative weight of two-new organisations
	shopCover   float64 // how readily its shops are covered, relative
	twoNewCover float64 // how readily its two-new organisations are covered
	stems       []string
	roads       []string
	hubs        []hubSpec // office buildings and parks with hub party organisations
}

// hubSpec is an office building or park with a hub party organisation (枢纽型党组织).
type hubSpec struct {
	name string
	park bool // a park (园区) rather than a building (楼宇)
}

// streets are the 13 streets and towns of Xuhui in code order. Coverage
// propensities differ on purpose so the drill-down shows strong and weak streets.
var streets = []streetSpec{
	{"湖南路街道", 18, 0.7, 0.9, 2.4, 1.3,
		[]string{"武康", "湖南", "复兴", "永嘉", "五原", "高安", "兴国", "淮海", "东湖", "太原", "安亭", "汾阳"},
		[]string{"湖南路", "武康路", "复兴西路", "永嘉路", "五原路", "淮海中路", "兴国路", "高安路"},
		[]hubSpec{{"衡复风貌区楼宇群", false}, {"淮海中路商务楼宇", false}}},
	{"天平路街道", 20, 0.9, 1.0, 1.7, 1.15,
		[]string{"天平", "衡山", "建国", "广元", "宛平", "康平", "吴兴", "宝庆", "高邮", "余庆", "岳阳", "徐镇"},
		[]string{"天平路", "衡山路", "建国西路", "广元路", "宛平路", "华山路", "康平路", "余庆路"},
		[]hubSpec{{"衡山路商务楼宇", false}, {"天平科创园", true}}},
	{"枫林路街道", 25, 1.0, 1.0, 1.0, 1.0,
		[]string{"枫林", "东安", "零陵", "小木桥", "医学院", "双峰", "宛南", "斜阳", "大木桥", "肇嘉", "平江", "嘉善"},
		[]string{"枫林路", "医学院路", "斜土路", "东安路", "零陵路", "小木桥路", "中山南二路", "宛平南路"},
		[]hubSpec{{"枫林生命健康园", true}, {"东安商务大厦", false}}},
	{"徐家汇街道", 22, 1.6, 1.8, 1.4, 1.3,
		[]string{"汇站", "汇南", "汇翠", "乐山", "天钥", "潘家宅", "蒲汇塘", "裕德", "文定", "徐虹", "宜山", "交大"},
		[]string{"漕溪北路", "虹桥路", "肇嘉浜路", "天钥桥路", "宜山路", "华山路", "文定路", "裕德路"},
		[]hubSpec{{"徐家汇中心楼宇", false}, {"美罗商务楼宇", false}, {"汇金广场", false}}},
	{"斜土路街道", 24, 1.1, 0.8, 0.7, 0.9,
		[]string{"斜土", "日晖", "大木", "瑞金", "肇清", "嘉泉", "江南", "明园", "谨斜", "丽园", "打浦", "局门"},
		[]string{"斜土路", "大木桥路", "瑞金南路", "日晖东路", "中山南一路", "肇清路", "宛平南路", "制造局路"},
		[]hubSpec{{"斜土商务楼宇", false}}},
	{"长桥街道", 30, 1.2, 0.7, 0.5, 0.8,
		[]string{"长桥", "百色", "罗秀", "龙川", "华滨", "园南", "滨江", "汇成", "长华", "长兴", "罗城", "上中", "华沁"},
		[]string{"龙川北路", "百色路", "罗秀路", "长桥路", "龙吴路", "上中西路", "华石路", "罗城路"},
		[]hubSpec{{"长桥滨江商务区", false}}},
	{"漕河泾街道", 21, 0.9, 2.2, 0.8, 1.0,
		[]string{"漕河泾", "漕宝", "钦南", "柳州", "桂林", "冠生园", "漕东", "宝石", "三江", "华富", "新漕", "漕溪"},
		[]string{"漕宝路", "柳州路", "钦州南路", "桂林路", "宜山路", "田林路", "虹漕路", "漕溪路"},
		[]hubSpec{{"漕河泾科技绿洲", true}, {"冠生园商务楼宇", false}}},
	{"康健新村街道", 26, 1.0, 0.6, 0.9, 0.9,
		[]string{"康健", "康乐", "康宁", "浦北", "桂康", "苍梧", "寿昌", "东兰", "桂平", "茶花", "紫薇", "丁香"},
		[]string{"康健路", "桂林路", "浦北路", "田林东路", "苍梧路", "桂平路", "吴中路", "寿昌路"},
		[]hubSpec{{"康健商务楼宇", false}}},
	{"虹梅路街道", 19, 0.6, 3.0, 1.2, 1.25,
		[]string{"虹梅", "钦江", "古宜", "虹漕", "田州", "虹宝", "梅园", "虹欣", "钦北", "开宜", "梅陇", "虹景"},
		[]string{"虹梅路", "宜山路", "钦江路", "桂平路", "漕宝路", "虹漕南路", "田州路", "虹梅南路"},
		[]hubSpec{{"虹梅庭", false}, {"漕河泾开发区", true}, {"虹梅路科技园", true}}},
	{"田林街道", 28, 1.1, 0.7, 0.6, 0.85,
		[]string{"田林", "钦州", "宜林", "柳田", "田东", "长春", "宜州", "田新", "华田", "林苑", "田园", "德林"},
		[]string{"田林路", "钦州路", "宜山路", "桂林路", "柳州路", "田林东路", "宜州路", "虹漕路"},
		[]hubSpec{{"田林商务楼宇", false}}},
	{"凌云路街道", 27, 1.0, 0.5, 0.4, 0.7,
		[]string{"凌云", "梅陇", "华理", "龙州", "沪闵", "华东", "梅苑", "凌雪", "长陇", "陇南", "永川", "阳光"},
		[]string{"凌云路", "梅陇路", "龙川北路", "老沪闵路", "罗秀路", "百色路", "华理路", "龙州路"},
		[]hubSpec{{"凌云商务楼宇", false}}},
	{"龙华街道", 23, 1.0, 1.0, 0.9, 1.0,
		[]string{"龙华", "龙吴", "天钥南", "云锦", "丰谷", "瑞宁", "龙山", "宛平南", "龙华西", "西岸", "龙恒", "龙水"},
		[]string{"龙华中路", "龙华西路", "龙吴路", "天钥桥南路", "云锦路", "丰谷路", "瑞宁路", "龙水南路"},
		[]hubSpec{{"西岸传媒港", true}, {"西岸智慧谷", true}}},
	{"华泾镇", 23, 1.3, 0.6, 0.35, 0.6,
		[]string{"华泾", "华发", "北杨", "关港", "华建", "景东", "光华", "东湾", "泾南", "港口", "新华", "华臻"},
		[]string{"华泾路", "龙吴路", "关港路", "华发路", "北杨路", "龙川路", "华济路", "景东路"},
		[]hubSpec{{"华泾商务园", true}}},
}

// residentialSuffixes make several residential areas from one stem.
var residentialSuffixes = []string{"", "一村", "二村", "三村", "新村", "北", "南", "苑", "花园", "公寓", "坊", "东", "西"}

// districtBodies are district-level regional units, placed in the central streets.
var districtBodies = []string{
	"中共上海市徐汇区委组织部", "上海市徐汇区人民政府办公室", "上海市徐汇区发展和改革委员会", "上海市徐汇区教育局",
	"上海市徐汇区卫生健康委员会", "上海市徐汇区民政局", "上海市徐汇区文化和旅游局", "上海市徐汇区房屋管理局",
	"上海市徐汇区建设和管理委员会", "上海市徐汇区市场监督管理局", "上海市徐汇区人力资源和社会保障局", "上海市徐汇区科学技术委员会",
	"上海市徐汇区商务委员会", "上海市徐汇区财政局", "上海市徐汇区司法局", "上海市徐汇区生态环境局",
	"上海市徐汇区绿化和市容管理局", "上海市徐汇区城市管理行政执法局", "上海市徐汇区退役军人事务局", "上海市徐汇区应急管理局",
	"徐汇区图书馆", "徐汇区文化馆", "徐汇区青少年活动中心", "徐汇区档案馆", "徐汇区中心医院", "徐汇区大华医院",
	"徐汇区疾病预防控制中心", "徐汇区妇幼保健所", "徐汇区精神卫生中心", "徐汇区牙病防治所", "徐汇区社会福利院",
	"上海徐汇国有资产投资经营有限公司", "上海徐汇城市更新发展有限公司", "上海徐汇滨江开发建设有限公司", "上海徐汇商业投资集团有限公司",
	"上海徐汇房屋维修服务有限公司", "上海徐汇资产经营管理有限公司", "徐汇区融媒体中心", "徐汇区业余大学", "徐汇区职业技术学校",
}

// streetBodies are per-street regional units; {street} is the street's
// name, {short} its name without 街道/镇.
var streetBodies = []string{
	"{street}办事处", "{street}社区事务受理服务中心", "{street}城市运行管理中心", "{street}社区卫生服务中心", "{street}社区文化活动中心",
	"上海市公安局徐汇分局{short}派出所", "徐汇区市场监督管理局{short}市场监督管理所", "{short}社区图书馆", "{street}综合为老服务中心",
	"{street}社区党校", "徐汇区税务局{short}税务所", "{street}城管执法中队",
}

// residentialBodies are regional units around a residential area; {res}
// is its name without 居民区.
var residentialBodies = []string{
	"徐汇区{res}幼儿园", "徐汇区{res}小学", "上海市{res}中学", "{res}社区卫生服务站", "上海市公安局徐汇分局{res}警务室",
	"中国工商银行上海{res}支行", "中国建设银行上海{res}支行", "交通银行上海{res}支行", "中国银行上海{res}支行", "上海农商银行{res}支行",
	"中国邮政{res}邮政所", "{res}老年日间照料中心", "{res}社区食堂", "国网上海电力{res}供电服务站", "{res}长者照护之家",
}

// shopBrands and shopTypes make shop names like 梧桐便利店.
var shopBrands = []string{
	"老王", "阿芳", "好邻居", "小李", "新华", "东方", "金桂", "福满", "鑫源", "佳佳", "一品", "百味", "永安", "惠民",
	"家乐", "春风", "鸿运", "和美", "顺心", "聚福", "万家", "同福", "金鼎", "明珠", "喜临门", "康宁", "吉祥", "满堂红",
	"六六", "小杨", "阿婆", "老街", "弄堂", "梧桐", "梅花", "桂花", "海棠", "玉兰", "丰收", "大富", "荣华", "小确幸",
	"晨光", "好运来", "德兴", "小桃", "阿福", "陈记", "刘姐", "张师傅",
}

var shopTypes = []string{
	"便利店", "面馆", "水果店", "理发店", "花店", "大药房", "咖啡馆", "面包房", "干洗店", "五金店", "烟杂店", "小吃店",
	"生鲜超市", "茶叶店", "眼镜店", "文具店", "修鞋铺", "美甲店", "书店", "快餐店", "馄饨店", "粮油店", "宠物店",
	"房产中介", "彩票店", "洗衣店", "早餐店", "烘焙坊", "奶茶店", "火锅店", "本帮菜馆", "汤包馆", "生煎店", "酒家",
	"熟食店", "裁缝店", "钟表店", "手机维修店", "母婴店", "服装店",
}

// companyWords and companyTrades make company names like 上海汇智信息科技有限公司.
var companyWords = []string{
	"汇", "徐", "衡", "天", "枫", "龙", "华", "星", "云", "智", "创", "联", "信", "达", "瑞", "恒", "盛", "博", "科", "新",
	"远", "景", "睿", "康", "安", "和", "诚", "鼎", "源", "泰", "宏", "嘉", "锦", "昊", "凯", "启", "明", "君", "卓", "越",
	"方", "正", "弘", "悦", "晟", "辰", "航", "拓", "峰", "鸿",
}

var companyTrades = []string{
	"信息科技", "网络科技", "生物科技", "文化传媒", "餐饮管理", "物业管理", "建筑工程", "商务咨询", "人力资源", "医疗器械",
	"教育科技", "贸易", "广告", "建筑设计", "软件技术", "电子科技", "投资管理", "企业管理咨询", "环保科技", "物流",
	"装饰工程", "健康管理", "数据科技", "人工智能科技", "新能源科技", "检测技术", "知识产权代理", "会展服务", "电子商务", "供应链管理",
}

// socialNames and socialTypes make social organisation names like 徐汇区枫林乐龄养老服务中心.
var socialNames = []string{
	"乐龄", "阳光", "彩虹", "启航", "心桥", "同心", "馨家园", "暖心", "睦邻", "益心", "善邻", "知行", "青禾", "星光", "春晖",
	"晨曦", "绿洲", "蒲公英", "向日葵", "橄榄枝", "梧桐", "手拉手", "百家", "爱心", "邻里", "和谐", "悦心", "常青", "新生", "银杏",
}

var socialTypes = []string{
	"社会工作服务社", "养老服务中心", "志愿者协会", "社区服务中心", "青少年服务中心", "文化艺术团", "助残服务社", "心理咨询服务中心",
	"公益发展中心", "老年协会", "科普协会", "体育健身俱乐部", "人民调解服务社", "托育服务中心", "家庭服务中心", "读书会",
}

// committees are the 8 professional committees of the promotion association.
var committees = []struct{ name, field string }{
	{"经济专业委员会", "economy"}, {"文化专业委员会", "culture"}, {"教育专业委员会", "education"}, {"卫生专业委员会", "health"},
	{"城建城管专业委员会", "urban"}, {"人才专业委员会", "talent"}, {"科技专业委员会", "science"}, {"社会工作专业委员会", "social_work"},
}

// committeeKeywords pick a committee's member units by words in their names.
var committeeKeywords = map[string][]string{
	"economy":     {"银行", "商务委", "国有资产", "商业投资", "财政", "资产经营"},
	"culture":     {"文化", "图书馆", "融媒体", "档案馆", "旅游"},
	"education":   {"学", "幼儿园", "教育局", "业余大学"},
	"health":      {"医院", "卫生", "疾病", "妇幼", "精神", "牙病"},
	"urban":       {"建设和管理", "房屋", "绿化", "城管", "城市", "执法", "供电"},
	"talent":      {"人力资源", "组织部", "业余大学", "职业技术"},
	"science":     {"科学技术", "科技", "软件", "数据", "人工智能"},
	"social_work": {"民政", "福利", "为老", "照护", "日间照料", "退役军人", "社区食堂"},
}

// Names of people (part-time members): family names and given-name characters.
var familyNames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余",
	"杜", "叶", "程", "苏", "魏", "吕", "丁", "沈", "姚", "陆", "汪", "范", "金", "顾", "钱", "严", "戴", "孔", "汤", "秦",
}

var givenChars = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
	"刚", "英", "华", "建", "国", "文", "辉", "玲", "红", "斌", "宇", "浩", "凯", "晨", "鑫", "欣", "怡", "婷", "佳", "颖",
	"俊", "峰", "琳", "晓", "海", "雪", "慧", "志", "宏", "波", "倩", "蕾", "梅", "云", "飞", "鹏", "荣", "民", "春", "瑞",
}

// Opening hours and services of service points.
var residentialHours = []string{
	"周一至周五 09:00-17:00", "周一至周六 08:30-17:30", "周一至周日 09:00-20:00", "周一至周五 08:30-16:30；周六 09:00-12:00",
}

var pointServices = []string{
	"党员学习", "政策咨询", "议事协商", "志愿服务", "老年助餐", "法律咨询", "健康义诊", "读书阅览", "四点半课堂", "心理疏导", "就业指导",
}

var hubServices = []string{"白领午间课堂", "青年联谊", "职工服务", "党员学习", "法律咨询", "人才服务", "企业政策宣讲", "母婴室"}

// demoPassword is the one password of every demo login; the CLI prints it.
const demoPassword = "gongzhi-demo-2026"

// demoUsers are the demo logins in auth.Roles order: username and display name.
var demoUsers = []struct{ username, display string }{
	{"admin", "区委组织部（演示）"}, {"street", "湖南路街道党工委（演示）"}, {"community", "居民区党组织书记（演示）"},
	{"grid", "网格员（演示）"}, {"liaison", "单位联络员（演示）"}, {"member", "党员（演示）"}, {"resident", "居民（演示）"},
	{"auditor", "纪检监察（演示）"},
}
