package seed

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Surnames common in Shandong, most frequent first; the weights follow the
// rough national frequency (王, 张, 李, 刘 lead; 于, 孙, 孟, 逄 are more
// frequent here than nationally).
var surnames = []struct {
	name   string
	weight int
}{
	{"王", 90}, {"张", 85}, {"李", 80}, {"刘", 70}, {"陈", 30}, {"杨", 28}, {"赵", 30}, {"孙", 32},
	{"徐", 22}, {"马", 20}, {"高", 22}, {"于", 22}, {"郭", 18}, {"宋", 18}, {"韩", 16}, {"周", 14},
	{"吴", 12}, {"孟", 12}, {"董", 12}, {"丁", 10}, {"曹", 10}, {"田", 10}, {"袁", 8}, {"毕", 6},
	{"朱", 10}, {"胡", 8}, {"林", 8}, {"何", 6}, {"罗", 5}, {"梁", 6}, {"郑", 8}, {"谢", 5},
	{"唐", 5}, {"冯", 8}, {"许", 8}, {"邓", 4}, {"程", 6}, {"吕", 7}, {"苏", 6},
	{"卢", 5}, {"蒋", 4}, {"蔡", 4}, {"贾", 6}, {"魏", 7}, {"薛", 5}, {"叶", 3}, {"阎", 4},
	{"潘", 4}, {"杜", 6}, {"戴", 3}, {"夏", 4}, {"姜", 9}, {"范", 5}, {"方", 3}, {"石", 5},
	{"姚", 4}, {"谭", 3}, {"邹", 3}, {"金", 4}, {"陆", 2}, {"郝", 5}, {"孔", 6}, {"白", 4},
	{"崔", 7}, {"康", 4}, {"毛", 3}, {"秦", 4}, {"史", 4}, {"顾", 2}, {"侯", 5}, {"邵", 4},
	{"尹", 4}, {"常", 4}, {"武", 5}, {"乔", 3}, {"贺", 3}, {"颜", 3}, {"庞", 3}, {"逄", 2},
	{"尚", 2}, {"耿", 3}, {"牛", 3}, {"隋", 2}, {"鞠", 2}, {"臧", 2}, {"房", 2}, {"修", 1},
	{"司马", 1}, {"欧阳", 1}, {"诸葛", 1},
}

var surnameTotal = func() int {
	t := 0
	for _, s := range surnames {
		t += s.weight
	}
	return t
}()

// Given-name characters; a given name is one or two of them.
var (
	givenMale   = []rune("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘")
	givenFemale = []rune("秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱霞香月莺媛艳瑞佳嘉琼勤珍贞莉桂叶璐娅琦晶妍茜秋珊莎锦青倩婷婉娴瑾颖露瑶怡雁蓓仪荷丹蓉君琴蕊薇菁梦岚苑婕馨瑗韵园艺卿聪澜纯毓悦昭冰爽琬茗羽希宁欣滢馥筠柔竹凝晓欢枫芸菲伊亚宜可舒丽阳妮晴睿雯萱彦雨曼紫逸贤涵蕾诗璇")
)

// chineseName draws a name: surname by weight, then one (30%) or two given
// characters from the list for the sex.
func chineseName(rng *rand.Rand, male bool) string {
	n := rng.IntN(surnameTotal)
	var sur string
	for _, s := range surnames {
		if n < s.weight {
			sur = s.name
			break
		}
		n -= s.weight
	}
	chars := givenFemale
	if male {
		chars = givenMale
	}
	var b strings.Builder
	b.WriteString(sur)
	b.WriteRune(chars[rng.IntN(len(chars))])
	if rng.IntN(10) >= 3 {
		b.WriteRune(chars[rng.IntN(len(chars))])
	}
	return b.String()
}

// bureau is a kind of enforcement body and its 执法类别.
type bureau struct {
	city, county string // name at city and county level
	category     string
	legal        bool // the legal office (司法局): holds supervision certificates
}

var (
	bMarket  = bureau{"市场监督管理局", "市场监督管理局", "市场监管", false}
	bEcology = bureau{"生态环境局", "", "生态环境", false} // county level: 市生态环境局 X 分局
	bUrban   = bureau{"城市管理局", "综合行政执法局", "城市管理", false}
	bTraffic = bureau{"交通运输局", "交通运输局", "交通运输", false}
	bLand    = bureau{"自然资源和规划局", "自然资源局", "自然资源", false}
	bFarm    = bureau{"农业农村局", "农业农村局", "农业农村", false}
	bCulture = bureau{"文化和旅游局", "文化和旅游局", "文化市场", false}
	bHealth  = bureau{"卫生健康委员会", "卫生健康局", "卫生健康", false}
	bSafety  = bureau{"应急管理局", "应急管理局", "应急管理", false}
	bWater   = bureau{"水利局", "水利局", "水利", false}
	bHousing = bureau{"住房和城乡建设局", "住房和城乡建设局", "住房城乡建设", false}
	bJustice = bureau{"司法局", "司法局", "行政执法监督", true}
)

// provinceUnits are province-level units (省直单位), region 370000.
var provinceUnits = []struct {
	name, category string
	legal          bool
}{
	{"山东省司法厅", "行政执法监督", true},
	{"山东省市场监督管理局", "市场监管", false},
	{"山东省生态环境厅", "生态环境", false},
	{"山东省交通运输厅", "交通运输", false},
	{"山东省自然资源厅", "自然资源", false},
	{"山东省住房和城乡建设厅", "住房城乡建设", false},
	{"山东省农业农村厅", "农业农村", false},
	{"山东省文化和旅游厅", "文化市场", false},
	{"山东省卫生健康委员会", "卫生健康", false},
	{"山东省应急管理厅", "应急管理", false},
	{"山东省水利厅", "水利", false},
	{"山东省药品监督管理局", "药品监管", false},
	{"山东省人力资源和社会保障厅", "人力资源社会保障", false},
	{"山东省教育厅", "教育", false},
	{"山东省商务厅", "商务", false},
	{"山东省民政厅", "民政", false},
	{"山东省统计局", "统计", false},
	{"山东省医疗保障局", "医疗保障", false},
	{"山东省粮食和物资储备局", "粮食和物资储备", false},
	{"山东省能源局", "能源", false},
	{"山东省体育局", "体育", false},
	{"山东省广播电视局", "广播电视", false},
}

// shortName drops the 区/县/市 suffix for names of three or more
// characters (历下区 → 历下), keeping two-character names whole (莒县).
func shortName(name string) string {
	if utf8.RuneCountInString(name) <= 2 {
		return name
	}
	_, size := utf8.DecodeLastRuneInString(name)
	return name[:len(name)-size]
}

// unitName builds the official-style name of a bureau in a region:
// 济南市市场监督管理局, 济南市历下区城市管理局, 平阴县市场监督管理局,
// 济南市生态环境局历下分局.
func unitName(b bureau, c *city, county *region) string {
	if county == nil {
		name := b.city
		if c.code == "370100" && b == bWater {
			name = "水务局" // 济南 runs a water affairs bureau
		}
		return c.name + name
	}
	if b == bEcology {
		return c.name + "生态环境局" + shortName(county.name) + "分局"
	}
	name := b.county
	if c.code == "370100" && b == bUrban {
		name = "城市管理局" // 济南's districts keep 城市管理局
	}
	if strings.HasSuffix(county.name, "区") {
		return c.name + county.name + name // districts carry the city: 济南市历下区…
	}
	return county.name + name
}

// areaCodes are the telephone area codes of the cities (莱芜's 0634 merged
// into 济南's 0531 in 2019).
var areaCodes = map[string]string{
	"3701": "0531", "3702": "0532", "3703": "0533", "3704": "0632", "3705": "0546", "3706": "0535",
	"3707": "0536", "3708": "0537", "3709": "0538", "3710": "0631", "3711": "0633", "3713": "0539",
	"3714": "0534", "3715": "0635", "3716": "0543", "3717": "0530",
}

var (
	educations = []struct {
		name   string
		weight int
	}{{"大学本科", 62}, {"硕士研究生", 18}, {"大学专科", 16}, {"博士研究生", 2}, {"中专", 2}}
	posts = []string{"科员", "一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员",
		"副科长", "科长", "执法队员", "中队长", "副大队长", "大队长", "四级调研员"}
)

func pickEducation(rng *rand.Rand) string {
	n := rng.IntN(100)
	for _, e := range educations {
		if n < e.weight {
			return e.name
		}
		n -= e.weight
	}
	return educations[0].name
}
