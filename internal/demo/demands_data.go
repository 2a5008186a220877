package demo

import "gongzhi/internal/demand"

// The constant tables the demo's demands are built from: categories with
// their limits and routing, what residents write, what the handling bodies
// answer, how each street performs, and where each street lies.

// catSpec is a demand category of the demo and how its demands behave.
type catSpec struct {
	code, parent, name, nameEN string
	contact, resolve           string // limits as demand.ParseLimit reads them
	keywords                   string
	attrs                      []demand.Attribute
	share                      float64     // share of all demands
	season                     [12]float64 // monthly volume factor, January first; zero: the parent's
	street                     bool        // routed to the street's city operation centre (街道城运中心)
	// Relative difficulty: multipliers of the chance of a late first
	// contact, of an unsatisfied or unsolved first callback, and of a late
	// resolution; ext is the chance an extension is asked for.
	lateContact, neg, lateResolve, ext float64
	templates, resolutions             []string
}

var (
	seasonFlat     = [12]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	seasonSummer   = [12]float64{0.8, 0.7, 0.9, 1, 1.1, 1.3, 1.5, 1.5, 1.1, 1, 0.9, 0.8}
	seasonRain     = [12]float64{0.6, 0.6, 0.8, 1, 1.2, 2.2, 2, 1.5, 1, 0.8, 0.6, 0.6} // 梅雨 in June and July
	seasonWinter   = [12]float64{1.3, 1.2, 1, 0.9, 0.9, 0.9, 1.1, 1.1, 0.9, 1, 1.1, 1.3}
	seasonDark     = [12]float64{1.3, 1.2, 1, 0.9, 0.8, 0.8, 0.8, 0.9, 1, 1.1, 1.2, 1.3} // long nights
	seasonBuilding = [12]float64{0.7, 0.6, 1.1, 1.2, 1.2, 1.1, 1, 1, 1.1, 1.1, 1, 0.9}
)

// demoCategories: ten top-level categories (parents first) and their sub-categories.
var demoCategories = []catSpec{
	{code: "property", name: "物业管理", nameEN: "Property management", contact: "2h", resolve: "5wd", keywords: "物业,保安,门禁,绿化,物业费",
		share: 0.12, season: [12]float64{1, 0.9, 1, 1, 1, 1.1, 1.2, 1.2, 1, 1, 1, 1}, lateContact: 1, neg: 1.1, lateResolve: 1, ext: 0.03,
		templates: []string{
			"{b}号楼楼道灯坏了好几天，物业一直没来修，晚上上下楼很不方便",
			"小区物业{prop_issue}，多次反映没有解决，希望居委会协调",
			"{b}号楼{prop_issue2}，物业推诿不处理",
			"小区保安{guard}，居民意见很大",
			"物业费{fee}，要求物业公开收支情况",
		},
		resolutions: []string{"已联系物业公司上门维修，问题已处理", "已督促物业整改，并要求建立台账", "已召集物业、业委会协调，明确整改时限", "已安排维修人员更换损坏设施"}},
	{code: "noise", name: "噪音扰民", nameEN: "Noise", contact: "1h", resolve: "3wd", keywords: "噪音,噪声,扰民,吵,装修",
		share: 0.08, season: seasonSummer, lateContact: 1.1, neg: 1.3, lateResolve: 0.8, ext: 0.01,
		templates: []string{
			"{b}号楼{where}{time}{source}声音太大，影响休息",
			"小区{place}{time}{dance}，噪音扰民",
			"楼下{shop}{time}{shopnoise}，噪音很大，影响休息",
			"{b}号{room}室{time}{source}，噪音扰民，多次沟通无果",
		},
		resolutions: []string{"已上门与当事人沟通，对方承诺夜间不再产生噪音", "已联系城管执法中队现场查处", "已协调商户调整营业时间并加装隔音设施", "已联系派出所上门劝导"}},
	{code: "parking", name: "停车管理", nameEN: "Parking", contact: "2h", resolve: "5wd", keywords: "停车,车位,乱停,违停,僵尸车",
		share: 0.06, season: [12]float64{1.1, 1.2, 1, 1, 1, 1, 0.9, 0.9, 1, 1.1, 1, 1.1}, lateContact: 1, neg: 1.2, lateResolve: 1, ext: 0.02,
		templates: []string{
			"小区{place2}车辆乱停，{park_effect}",
			"{road}人行道上{vehicles}乱停放，行人无法通行",
			"小区停车位{spot_issue}，居民停车难",
			"{b}号楼门口长期停放僵尸车，占用车位",
		},
		resolutions: []string{"已组织志愿者清理乱停车辆，设置禁停标识", "已联系交警部门对违停车辆进行处罚", "已协调物业重新划定停车位", "已联系车主挪走僵尸车"}},
	{code: "sanitation", name: "环境卫生", nameEN: "Sanitation", contact: "2h", resolve: "3wd", keywords: "垃圾,卫生,清运,保洁,异味",
		share: 0.07, season: [12]float64{0.9, 1, 0.9, 1, 1.1, 1.3, 1.4, 1.4, 1.1, 1, 0.9, 0.9}, lateContact: 0.8, neg: 0.7, lateResolve: 0.6, ext: 0.01,
		templates: []string{
			"小区{place}{trash}，{smell}",
			"{road}{road_trash}，影响市容",
			"{b}号楼楼道{corridor}，卫生很差",
			"小区{pest}很多，希望安排灭杀",
		},
		resolutions: []string{"已联系环卫所清运垃圾，现场已清理干净", "已督促物业加强保洁", "已安排消杀，并张贴告示"}},
	{code: "elderly", name: "养老服务", nameEN: "Elderly care", contact: "4h", resolve: "10wd", keywords: "养老,老人,助餐,长护险,为老",
		share: 0.04, season: seasonWinter, lateContact: 0.7, neg: 0.6, lateResolve: 0.8, ext: 0.03,
		templates: []string{
			"家中{old}独居，{need}",
			"希望社区{elderly_service}",
			"{old}行动不便，{need}",
			"咨询{old}申请长护险{ltc}",
		},
		resolutions: []string{"已安排社工上门探访，纳入关爱名单", "已协助办理长护险评估申请", "已对接综合为老服务中心提供上门服务"}},
	{code: "illegal_building", name: "违章搭建", nameEN: "Illegal construction", contact: "1wd", resolve: "15wd", keywords: "违建,违章,搭建,私搭乱建",
		share: 0.04, season: seasonBuilding, street: true, lateContact: 1, neg: 1.6, lateResolve: 1.6, ext: 0.12,
		attrs: []demand.Attribute{{Code: "building", Name: "楼号", Datatype: "string", Required: true, Description: "违建所在的楼号，如 12号"}},
		templates: []string{
			"{b}号{room}室{illegal}，影响邻居采光和安全",
			"{b}号楼底楼住户{ground}",
			"小区{b}号楼顶楼住户在屋面违章搭建，存在安全隐患",
			"{road}沿街商铺{shop_ill}",
		},
		resolutions: []string{"已会同城管执法中队现场勘查，违建已拆除", "已下发限期整改通知书，当事人已自行拆除", "已立案查处，违建已依法拆除"}},
	{code: "municipal", name: "市政设施", nameEN: "Municipal facilities", contact: "2h", resolve: "7wd", keywords: "市政,井盖,下水道,积水,红绿灯",
		share: 0.035, season: [12]float64{1, 0.9, 1, 1, 1.1, 1.3, 1.4, 1.3, 1.1, 1, 0.9, 1}, street: true, lateContact: 1, neg: 0.9, lateResolve: 1.2, ext: 0.06,
		templates: []string{
			"{road}{muni}，{muni_effect}",
			"{road}与{road2}路口{cross}",
			"{road}{n}号门口{cover}",
		},
		resolutions: []string{"已联系市政养护单位修复", "已报区建管委，已完成维修", "已疏通下水道，积水问题解决"}},
	{code: "neighbours", name: "邻里纠纷", nameEN: "Neighbour disputes", contact: "4h", resolve: "5wd", keywords: "邻里,纠纷,调解,邻居",
		share: 0.07, season: [12]float64{1.1, 1.3, 1, 1, 1, 1, 1.1, 1.1, 1, 1, 1, 1}, lateContact: 1, neg: 1.5, lateResolve: 1, ext: 0.02,
		templates: []string{
			"楼上{nb}，{nb_effect}",
			"邻居{nb2}，多次协商不成",
			"{b}号楼邻居{nb3}，希望居委会调解",
		},
		resolutions: []string{"经居委会调解，双方达成一致", "已组织人民调解员上门调解，矛盾化解", "已联系双方当面沟通，问题已解决"}},
	{code: "safety", name: "治安隐患", nameEN: "Public safety hazards", contact: "30m", resolve: "2wd", keywords: "治安,安全,隐患,监控,飞线",
		share: 0.03, season: [12]float64{1.1, 1.2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1}, lateContact: 1.6, neg: 0.8, lateResolve: 0.8, ext: 0.02,
		templates: []string{
			"小区{safe_place}{safe_issue}，存在安全隐患",
			"{b}号楼{safe2}",
			"{road}{safe3}",
		},
		resolutions: []string{"已联系派出所加强巡逻", "已修复围墙缺口", "已督促物业修复监控设备", "已联合消防对飞线充电进行整治"}},
	{code: "consult", name: "咨询建议", nameEN: "Enquiries and suggestions", contact: "1wd", resolve: "5wd", keywords: "咨询,建议,政策,办理",
		share: 0.15, season: [12]float64{1.3, 1, 1.2, 1, 1, 1, 1.1, 1.2, 1.1, 0.9, 0.9, 1}, lateContact: 0.6, neg: 0.5, lateResolve: 0.4, ext: 0.01,
		templates:   []string{"咨询{policy}", "建议{suggest}", "请问{ask}"},
		resolutions: []string{"已电话答复居民相关政策", "已将建议转交相关部门研究", "已告知办理流程和所需材料"}},

	{code: "property_elevator", parent: "property", name: "电梯故障", nameEN: "Lift breakdown", contact: "1h", resolve: "2wd", keywords: "电梯,困人,停运",
		share: 0.035, season: seasonFlat, lateContact: 1.2, neg: 0.9, lateResolve: 0.8, ext: 0.05,
		attrs: []demand.Attribute{
			{Code: "building", Name: "楼号", Datatype: "string", Required: true, Description: "电梯所在的楼号，如 12号"},
			{Code: "floor", Name: "楼层", Datatype: "number", Description: "电梯停在或出问题的楼层"},
		},
		templates: []string{
			"{b}号楼电梯{elev}，老人上下楼很困难",
			"{b}号楼电梯{elev}，已报修物业但迟迟没人来",
			"{b}号楼{f}楼电梯门关不上，存在安全隐患",
		},
		resolutions: []string{"已联系电梯维保单位检修，电梯恢复运行", "已更换故障部件，维保单位已出具检测报告", "已督促物业落实电梯日常维保"}},
	{code: "property_leak", parent: "property", name: "房屋渗漏", nameEN: "Leaks and damp", contact: "2h", resolve: "10wd", keywords: "漏水,渗水,渗漏,发霉",
		share: 0.05, season: seasonRain, lateContact: 1, neg: 1.5, lateResolve: 1.8, ext: 0.12,
		attrs: []demand.Attribute{
			{Code: "building", Name: "楼号", Datatype: "string", Required: true, Description: "渗漏所在的楼号，如 12号"},
			{Code: "room", Name: "室号", Datatype: "string", Description: "如 302"},
		},
		templates: []string{
			"{b}号{room}室{leak_where}漏水，{leak_effect}",
			"楼上{room}室卫生间渗水到我家天花板，{leak_effect}",
			"{b}号楼外墙渗水，雨天家里墙面发霉",
			"顶楼屋面防水老化，下雨{leak_effect}",
		},
		resolutions: []string{"已联系物业维修屋面防水，渗漏已止住", "已协调楼上住户维修卫生间防水", "已申请使用专项维修资金进行外墙修缮"}},
	{code: "noise_construction", parent: "noise", name: "施工噪音", nameEN: "Construction noise", contact: "1h", resolve: "2wd", keywords: "施工,工地,打桩,夜间施工",
		share: 0.04, season: seasonBuilding, lateContact: 1.1, neg: 1.2, lateResolve: 0.8, ext: 0.02,
		attrs: []demand.Attribute{{Code: "period", Name: "施工时段", Datatype: "singlevaluelist", Values: []string{"夜间", "凌晨", "午休", "白天"}}},
		templates: []string{
			"{road}附近工地{time}施工，噪音扰民",
			"{road}道路施工{time}还在作业，机器声音很大",
			"小区旁边工地{time}打桩，噪音和震动影响休息",
		},
		resolutions: []string{"已联系城管核查，工地夜间施工已停止", "已核实施工单位夜间施工许可，督促落实降噪措施"}},
	{code: "parking_night", parent: "parking", name: "夜间停车", nameEN: "Night parking", contact: "2h", resolve: "3wd", keywords: "夜间停车,错时停车,停车难",
		share: 0.035, lateContact: 1, neg: 1.4, lateResolve: 1, ext: 0.02,
		templates: []string{
			"{road}夜间{night_park}，{park_effect}",
			"小区周边夜间停车难，希望开放{share_park}错时停车",
			"晚上下班回来小区没有车位，{share_park}能否共享",
		},
		resolutions: []string{"已协调周边单位开放夜间错时停车", "已联系交警加强夜间巡查"}},
	{code: "sanitation_garbage", parent: "sanitation", name: "垃圾分类", nameEN: "Waste sorting", contact: "2h", resolve: "3wd", keywords: "垃圾分类,湿垃圾,干垃圾,垃圾厢房",
		share: 0.03, lateContact: 0.8, neg: 0.8, lateResolve: 0.6, ext: 0.01,
		templates: []string{
			"小区垃圾分类{sort_issue}",
			"小区{place}湿垃圾{wet_issue}",
			"垃圾厢房{open_time}，居民扔垃圾不方便",
		},
		resolutions: []string{"已安排督导员定时在岗，增加分类桶", "已督促物业及时清洗垃圾桶", "已调整垃圾厢房开放时间"}},
	{code: "elderly_meal", parent: "elderly", name: "助餐服务", nameEN: "Meals for the elderly", contact: "4h", resolve: "5wd", keywords: "助餐,社区食堂,送餐",
		share: 0.02, lateContact: 0.7, neg: 0.8, lateResolve: 0.7, ext: 0.02,
		templates: []string{
			"社区食堂{meal_issue}",
			"希望{res}开设老年助餐点，附近老人吃饭不方便",
			"送餐上门服务{deliver_issue}",
		},
		resolutions: []string{"已将意见转交社区食堂，调整菜品口味", "已协调增加送餐名额", "已协调助餐点延长供餐时间"}},
	{code: "municipal_light", parent: "municipal", name: "路灯损坏", nameEN: "Street light out", contact: "2h", resolve: "5wd", keywords: "路灯,不亮,照明",
		share: 0.025, season: seasonDark, street: true, lateContact: 0.9, neg: 0.6, lateResolve: 0.9, ext: 0.02,
		attrs: []demand.Attribute{{Code: "pole", Name: "灯杆编号", Datatype: "string", Description: "灯杆上的编号，如 XH-0123"}},
		templates: []string{
			"{road}{n}号附近路灯{light}，晚上很黑",
			"小区{place}路灯{light}，居民夜间出行不安全",
			"{road}路灯{light}，已经一周了",
		},
		resolutions: []string{"已联系路灯管理所更换灯具，路灯恢复正常", "已修复线路故障，路灯恢复照明"}},
	{code: "municipal_road", parent: "municipal", name: "道路破损", nameEN: "Damaged road", contact: "2h", resolve: "7wd", keywords: "路面,坑洼,塌陷,人行道",
		share: 0.025, street: true, lateContact: 1, neg: 0.9, lateResolve: 1.2, ext: 0.06,
		templates: []string{
			"{road}路面{road_dmg}，{muni_effect}",
			"{road}{n}号门口人行道{road_dmg}",
		},
		resolutions: []string{"已联系道路养护单位修补路面", "已设置警示标志并完成修复"}},
	{code: "safety_fire", parent: "safety", name: "消防通道堵塞", nameEN: "Blocked fire lane", contact: "30m", resolve: "1wd", keywords: "消防,消防通道,灭火器,飞线充电",
		share: 0.02, season: [12]float64{1.3, 1.4, 1.1, 1, 0.9, 0.9, 0.9, 0.9, 1, 1, 1.1, 1.3}, lateContact: 1.5, neg: 0.7, lateResolve: 0.8, ext: 0.01,
		templates: []string{
			"小区消防通道被{block}堵塞",
			"{b}号楼楼道{fire2}",
			"{b}号楼消防{fire3}",
		},
		resolutions: []string{"已清理消防通道，设置禁停标识", "已督促物业更换灭火器", "已联系消防部门检查整改"}},
	// What a resident files when unsure of the kind ("其他 / 不确定" on the
	// report page); staff re-categorise it. The demo files none of it.
	{code: "other", name: "其他", nameEN: "Other", contact: "2h", resolve: "5wd", keywords: "其他,不确定",
		share: 0, season: seasonFlat, lateContact: 1, neg: 1, lateResolve: 1, ext: 0.01,
		templates: []string{"{b}号楼附近有问题需要处理"}, resolutions: []string{"已转相关部门处理"}},
}

// slots fill the {…} of the templates; {b}, {f}, {room}, {n}, {road},
// {road2} and {res} are filled from the demand's place.
var slots = map[string][]string{
	"prop_issue":      {"绿化长期无人修剪", "监控探头坏了没人修", "门禁系统经常失灵", "垃圾清运不及时", "小区大门道闸故障"},
	"prop_issue2":     {"单元门门禁坏了", "楼道堆放杂物没人清理", "屋顶水箱有异味", "消防栓玻璃破损", "楼道墙皮大面积脱落"},
	"guard":           {"夜间经常不在岗", "对外来车辆不登记", "态度恶劣"},
	"fee":             {"上涨没有经过业主大会", "收取标准不透明", "公共收益去向不明"},
	"elev":            {"停运三天了", "经常困人", "运行时异响很大", "按钮失灵", "突然下坠了一下", "停在{f}楼不动"},
	"leak_where":      {"屋顶", "卫生间", "外墙", "厨房管道", "阳台"},
	"leak_effect":     {"墙面都发霉了", "天花板在滴水", "影响正常生活", "家里电线有漏电危险", "已经持续一个多月"},
	"where":           {"楼上", "楼下", "隔壁", "对门"},
	"time":            {"夜间", "每天晚上十点以后", "凌晨", "周末一早", "中午午休时"},
	"source":          {"装修", "拖动家具", "宠物狗叫", "唱卡拉OK", "空调外机", "打麻将"},
	"dance":           {"广场舞音响", "健身音乐", "小孩玩闹"},
	"shop":            {"饭店", "烧烤店", "酒吧", "便利店", "棋牌室"},
	"shopnoise":       {"排风扇轰鸣", "客人喧哗", "卸货", "音响外放"},
	"place":           {"垃圾厢房", "小区门口", "绿化带", "地下车库", "健身苑点", "单元门口"},
	"place2":          {"消防通道", "出入口", "绿化带旁", "单元门口"},
	"park_effect":     {"救护车进不来", "老人出行不便", "经常堵住出口", "存在安全隐患"},
	"vehicles":        {"共享单车", "电动自行车", "机动车", "快递三轮车"},
	"spot_issue":      {"被外来车辆占用", "收费不合理", "分配不公平", "严重不足"},
	"night_park":      {"车辆停满两侧", "违停车辆占道", "大货车停放"},
	"share_park":      {"附近商场停车场", "学校操场", "单位停车库"},
	"trash":           {"垃圾满了没人清运", "建筑垃圾堆放", "污水横流"},
	"smell":           {"气味很大", "蚊蝇很多", "影响居民生活"},
	"road_trash":      {"人行道上垃圾没人扫", "绿化带里有大量垃圾", "路边有人倾倒建筑垃圾"},
	"corridor":        {"堆满杂物", "有人乱扔垃圾", "长期没人打扫"},
	"pest":            {"老鼠", "蟑螂", "蚊子"},
	"sort_issue":      {"督导员不在岗", "混投现象严重", "分类桶数量不够"},
	"wet_issue":       {"破袋后没人清洗", "桶满溢出", "气味很大"},
	"open_time":       {"开放时间太短", "晚上不开放", "定时投放时间不合理"},
	"old":             {"八十多岁的老人", "九十岁老母亲", "独居老人", "高龄老人", "失能老人"},
	"need":            {"希望社区定期上门看望", "需要助浴服务", "希望安装紧急呼叫设备", "希望安排助餐送餐"},
	"elderly_service": {"增加老年助餐点", "开设老年人智能手机课程", "组织志愿者上门陪伴", "为老年人提供家门口的健康检查"},
	"ltc":             {"的评估流程", "需要准备的材料", "评估结果多久出来"},
	"meal_issue":      {"饭菜偏咸不适合老人", "排队时间太长", "价格上涨", "菜品种类太少"},
	"deliver_issue":   {"经常送迟", "饭菜送到时已经凉了", "名额太少申请不到"},
	"illegal":         {"在阳台外私自搭建", "封闭公共走廊", "在屋顶加盖阁楼"},
	"ground":          {"私自砌墙圈占绿地", "搭建阳光房", "破墙开店"},
	"shop_ill":        {"擅自搭建雨棚占道经营", "违规扩建", "私拆承重墙"},
	"muni":            {"人行道地砖松动", "下水道堵塞", "雨水井盖缺失", "绿化树木倒伏", "积水严重"},
	"muni_effect":     {"行人容易摔倒", "雨天积水严重", "存在安全隐患", "影响出行"},
	"cross":           {"红绿灯故障", "斑马线褪色看不清", "护栏损坏"},
	"cover":           {"窨井盖松动，车辆经过声音很大", "窨井盖破损"},
	"light":           {"不亮", "一闪一闪", "白天也亮着", "灯杆倾斜"},
	"road_dmg":        {"坑洼不平", "塌陷", "开裂", "破损严重"},
	"nb":              {"空调外机滴水到我家窗台", "晾衣服滴水", "往楼下扔烟头"},
	"nb_effect":       {"沟通多次无果", "影响日常生活", "希望居委会出面协调"},
	"nb2":             {"在楼道堆放杂物", "长期占用公共区域", "在公共区域养鸡"},
	"nb3":             {"养狗不拴绳", "家里堆积垃圾散发异味", "为停车位发生争执", "装修破坏公共管道"},
	"safe_place":      {"围墙", "地下车库", "大门"},
	"safe_issue":      {"有缺口外来人员随意进出", "监控坏了", "夜间无人值守"},
	"safe2":           {"楼道里电动自行车充电，飞线很危险", "有住户群租，人员复杂", "楼道里有人乱拉电线"},
	"safe3":           {"有人夜间聚集喝酒闹事", "附近有可疑人员徘徊", "人行道上有电线裸露"},
	"block":           {"私家车", "杂物", "共享单车", "装修材料"},
	"fire2":           {"堆放大量纸箱，存在火灾隐患", "消防门被锁死", "停放电动车充电"},
	"fire3":           {"栓没有水", "灭火器过期", "应急照明不亮"},
	"policy":          {"老旧小区加装电梯的补贴政策", "居住证办理需要哪些材料", "高龄老人津贴申领条件", "孩子入学需要的居住年限", "垃圾分类的具体标准", "公租房申请条件"},
	"suggest":         {"小区增设非机动车充电桩", "在{road}增设公交站点", "社区增加儿童游乐设施", "党群服务站延长周末开放时间", "居民区公示栏信息及时更新"},
	"ask":             {"社区事务受理服务中心的办公时间", "社区卫生服务中心疫苗接种时间", "如何申请成为社区志愿者", "居委会换届选举什么时候进行"},
}

// Words of the handling steps.
var (
	unsolvedResolutions = []string{"因涉及多方产权，暂无法解决，已向居民解释", "已协调但当事人不配合，将继续跟进",
		"需纳入明年实事项目统筹解决", "部分问题已处理，剩余问题需进一步协调"}
	returnReasons     = []string{"非本单位职责范围，请重新派单", "地址不在本辖区", "需街道层面协调处理", "诉求信息不全，无法处理"}
	extensionReasons  = []string{"需协调多个部门共同处理", "维修材料需采购", "需业主大会表决使用维修资金", "涉及产权单位，需进一步沟通", "天气原因无法施工"}
	contactNotes      = []string{"电话联系居民，了解具体情况", "已与居民电话沟通，约定上门查看", "上门与居民面对面沟通", "已联系反映人，说明处理计划"}
	recontactNotes    = []string{"再次联系居民，了解未解决的问题", "重新上门查看情况"}
	spotCloseNotes    = []string{"已当场答复居民", "政策咨询已现场解答"}
	noCallbackNote    = "多次回访电话无人接听，按规定办结"
	reopenReasons     = []string{"居民反映问题再次出现", "复核发现整改不到位"}
	unreasonableNotes = []string{"诉求超出政策规定范围", "反复反映已答复事项", "诉求涉及私人民事纠纷且已进入司法程序"}
	dupSuffixes       = []string{"", "，请尽快处理", "，已经好几天了", "，希望尽快解决"}
)

// streetDemand is how a street handles demands and where it lies.
type streetDemand struct {
	quality                float64 // multiplies every chance of doing badly: below 1 is better
	latS, latN, lngW, lngE float64 // outline (schematic: Xuhui's streets as a tiling of rectangles)
	mix                    map[string]float64
}

// streetDemands follow the order of streets. The outlines tile Xuhui's
// extent (31.12–31.22 N, 121.40–121.47 E) in five bands from north to
// south, roughly where each street lies; they are a sketch, not a survey.
var streetDemands = []streetDemand{
	{0.8, 31.200, 31.220, 121.438, 121.470, map[string]float64{"property_leak": 1.6, "elderly": 1.3, "parking": 1.2, "illegal_building": 0.6}},
	{0.85, 31.200, 31.220, 121.400, 121.438, map[string]float64{"property_leak": 1.6, "elderly": 1.3, "parking": 1.2, "illegal_building": 0.6}},
	{1.0, 31.180, 31.200, 121.428, 121.452, map[string]float64{"property_leak": 1.4, "elderly": 1.2}},
	{0.75, 31.180, 31.200, 121.400, 121.428, map[string]float64{"noise": 1.3, "parking": 1.3, "noise_construction": 1.3}},
	{1.05, 31.180, 31.200, 121.452, 121.470, map[string]float64{"property_leak": 1.5, "elderly": 1.2, "neighbours": 1.2}},
	{1.15, 31.140, 31.160, 121.445, 121.470, map[string]float64{"elderly": 1.2, "municipal": 1.2}},
	{0.95, 31.160, 31.180, 121.430, 121.446, map[string]float64{"parking": 1.3, "noise_construction": 1.5}},
	{1.0, 31.140, 31.160, 121.400, 121.425, map[string]float64{"elderly": 1.3, "property_elevator": 1.3}},
	{0.9, 31.160, 31.180, 121.400, 121.415, map[string]float64{"parking": 1.4, "parking_night": 1.5, "noise_construction": 1.5}},
	{1.1, 31.160, 31.180, 121.415, 121.430, map[string]float64{"elderly": 1.2, "property_elevator": 1.3}},
	{1.25, 31.140, 31.160, 121.425, 121.445, map[string]float64{"elderly": 1.2, "neighbours": 1.2}},
	{0.95, 31.160, 31.180, 121.446, 121.470, map[string]float64{"noise_construction": 1.4, "municipal_road": 1.3}},
	{1.35, 31.120, 31.140, 121.400, 121.470, map[string]float64{"illegal_building": 2.5, "municipal": 1.4, "sanitation": 1.3, "municipal_road": 1.4}},
}

// channelWeights: hotline 35%, online 25%, grid patrol 20%, visit 10%,
// deliberation meeting 5%, mailbox 5%.
var channelWeights = []struct {
	ch     demand.Channel
	weight float64
}{
	{demand.Hotline, 35}, {demand.Online, 25}, {demand.Grid, 20}, {demand.Visit, 10}, {demand.Meeting, 5}, {demand.Mailbox, 5},
}

// hourWeights by channel: how a channel's demands spread over the 24 hours of a day.
var hourWeights = map[demand.Channel][24]float64{
	demand.Hotline: {0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2, 2.5, 2.5, 2.2, 1.6, 2, 2.3, 2.2, 2, 1.8, 1.6, 1.8, 1.8, 1.4, 1, 0.6},
	demand.Online:  {0.6, 0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 0.8, 1.4, 1.6, 1.6, 1.5, 1.5, 1.4, 1.4, 1.4, 1.4, 1.4, 1.5, 1.8, 2.2, 2.4, 2, 1.2},
	demand.Grid:    {0, 0, 0, 0, 0, 0, 0, 0.3, 1.5, 2.5, 2.5, 1.5, 0.5, 1.5, 2.5, 2.5, 1.5, 0.3, 0, 0, 0, 0, 0, 0},
	demand.Visit:   {0, 0, 0, 0, 0, 0, 0, 0, 0.5, 2, 2.5, 1.5, 0.3, 1, 2.5, 2.5, 1.5, 0.5, 0.2, 0.3, 0.2, 0, 0, 0},
	demand.Meeting: {0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5, 2, 1, 0, 1, 2.5, 2.5, 1, 0, 0.5, 2, 1.5, 0, 0, 0},
	demand.Mailbox: {0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 2.5, 1, 0, 0.5, 1, 0.5, 0.3, 0, 0, 0, 0, 0, 0, 0},
}
