// Package seed loads LECMS's demo data and synthetic bulk data.
package seed

import (
	"github.com/lecms/lecms/api/domain"
)

// Province is Shandong's code.
const Province domain.RegionCode = "370000"

// Shandong is the current GB/T 2260 tree of Shandong: the province, its 16
// cities and all 136 county-level divisions (58 districts, 26 county-level
// cities, 52 counties), as of the 2019 merger of 莱芜 into 济南 and the 2020
// merger of 长岛 into 蓬莱区. Statistical "functional zones" (e.g. 370171 济南
// 高新区) are not GB/T 2260 codes and are left out.
func Shandong() []domain.Region {
	out := []domain.Region{{Code: Province, Name: "山东省", Level: domain.LevelProvince}}
	for _, c := range shandongCities {
		out = append(out, domain.Region{Code: c.code, Name: c.name, Level: domain.LevelCity, ParentCode: Province})
		for _, k := range c.counties {
			out = append(out, domain.Region{Code: k.code, Name: k.name, Level: domain.LevelCounty, ParentCode: c.code})
		}
	}
	return out
}

// HistoricalRegions are abolished codes that old ID numbers and records
// still carry; they are not loaded into the tree. 莱芜市 (371200) became
// 济南市莱芜区 (370116) and 钢城区 (370117) in 2019.
var HistoricalRegions = []struct {
	Code, Name string
	Now        domain.RegionCode // the code that replaced it
}{
	{"371200", "莱芜市", "370100"},
	{"371202", "莱城区", "370116"},
	{"371203", "钢城区", "370117"},
}

type region struct {
	code domain.RegionCode
	name string
}

type city struct {
	region
	short    string // name without 市, for unit names such as 济南市…
	counties []region
}

var shandongCities = []city{
	{region{"370100", "济南市"}, "济南", []region{
		{"370102", "历下区"}, {"370103", "市中区"}, {"370104", "槐荫区"}, {"370105", "天桥区"},
		{"370112", "历城区"}, {"370113", "长清区"}, {"370114", "章丘区"}, {"370115", "济阳区"},
		{"370116", "莱芜区"}, {"370117", "钢城区"}, {"370124", "平阴县"}, {"370126", "商河县"},
	}},
	{region{"370200", "青岛市"}, "青岛", []region{
		{"370202", "市南区"}, {"370203", "市北区"}, {"370211", "黄岛区"}, {"370212", "崂山区"},
		{"370213", "李沧区"}, {"370214", "城阳区"}, {"370215", "即墨区"}, {"370281", "胶州市"},
		{"370283", "平度市"}, {"370285", "莱西市"},
	}},
	{region{"370300", "淄博市"}, "淄博", []region{
		{"370302", "淄川区"}, {"370303", "张店区"}, {"370304", "博山区"}, {"370305", "临淄区"},
		{"370306", "周村区"}, {"370321", "桓台县"}, {"370322", "高青县"}, {"370323", "沂源县"},
	}},
	{region{"370400", "枣庄市"}, "枣庄", []region{
		{"370402", "市中区"}, {"370403", "薛城区"}, {"370404", "峄城区"}, {"370405", "台儿庄区"},
		{"370406", "山亭区"}, {"370481", "滕州市"},
	}},
	{region{"370500", "东营市"}, "东营", []region{
		{"370502", "东营区"}, {"370503", "河口区"}, {"370505", "垦利区"}, {"370522", "利津县"},
		{"370523", "广饶县"},
	}},
	{region{"370600", "烟台市"}, "烟台", []region{
		{"370602", "芝罘区"}, {"370611", "福山区"}, {"370612", "牟平区"}, {"370613", "莱山区"},
		{"370614", "蓬莱区"}, {"370681", "龙口市"}, {"370682", "莱阳市"}, {"370683", "莱州市"},
		{"370685", "招远市"}, {"370686", "栖霞市"}, {"370687", "海阳市"},
	}},
	{region{"370700", "潍坊市"}, "潍坊", []region{
		{"370702", "潍城区"}, {"370703", "寒亭区"}, {"370704", "坊子区"}, {"370705", "奎文区"},
		{"370724", "临朐县"}, {"370725", "昌乐县"}, {"370781", "青州市"}, {"370782", "诸城市"},
		{"370783", "寿光市"}, {"370784", "安丘市"}, {"370785", "高密市"}, {"370786", "昌邑市"},
	}},
	{region{"370800", "济宁市"}, "济宁", []region{
		{"370811", "任城区"}, {"370812", "兖州区"}, {"370826", "微山县"}, {"370827", "鱼台县"},
		{"370828", "金乡县"}, {"370829", "嘉祥县"}, {"370830", "汶上县"}, {"370831", "泗水县"},
		{"370832", "梁山县"}, {"370881", "曲阜市"}, {"370883", "邹城市"},
	}},
	{region{"370900", "泰安市"}, "泰安", []region{
		{"370902", "泰山区"}, {"370911", "岱岳区"}, {"370921", "宁阳县"}, {"370923", "东平县"},
		{"370982", "新泰市"}, {"370983", "肥城市"},
	}},
	{region{"371000", "威海市"}, "威海", []region{
		{"371002", "环翠区"}, {"371003", "文登区"}, {"371082", "荣成市"}, {"371083", "乳山市"},
	}},
	{region{"371100", "日照市"}, "日照", []region{
		{"371102", "东港区"}, {"371103", "岚山区"}, {"371121", "五莲县"}, {"371122", "莒县"},
	}},
	{region{"371300", "临沂市"}, "临沂", []region{
		{"371302", "兰山区"}, {"371311", "罗庄区"}, {"371312", "河东区"}, {"371321", "沂南县"},
		{"371322", "郯城县"}, {"371323", "沂水县"}, {"371324", "兰陵县"}, {"371325", "费县"},
		{"371326", "平邑县"}, {"371327", "莒南县"}, {"371328", "蒙阴县"}, {"371329", "临沭县"},
	}},
	{region{"371400", "德州市"}, "德州", []region{
		{"371402", "德城区"}, {"371403", "陵城区"}, {"371422", "宁津县"}, {"371423", "庆云县"},
		{"371424", "临邑县"}, {"371425", "齐河县"}, {"371426", "平原县"}, {"371427", "夏津县"},
		{"371428", "武城县"}, {"371481", "乐陵市"}, {"371482", "禹城市"},
	}},
	{region{"371500", "聊城市"}, "聊城", []region{
		{"371502", "东昌府区"}, {"371503", "茌平区"}, {"371521", "阳谷县"}, {"371522", "莘县"},
		{"371524", "东阿县"}, {"371525", "冠县"}, {"371526", "高唐县"}, {"371581", "临清市"},
	}},
	{region{"371600", "滨州市"}, "滨州", []region{
		{"371602", "滨城区"}, {"371603", "沾化区"}, {"371621", "惠民县"}, {"371622", "阳信县"},
		{"371623", "无棣县"}, {"371625", "博兴县"}, {"371681", "邹平市"},
	}},
	{region{"371700", "菏泽市"}, "菏泽", []region{
		{"371702", "牡丹区"}, {"371703", "定陶区"}, {"371721", "曹县"}, {"371722", "单县"},
		{"371723", "成武县"}, {"371724", "巨野县"}, {"371725", "郓城县"}, {"371726", "鄄城县"},
		{"371728", "东明县"},
	}},
}

// regionNames maps every code of the tree (and the historical ones) to its name.
var regionNames = func() map[domain.RegionCode]string {
	m := map[domain.RegionCode]string{Province: "山东省"}
	for _, c := range shandongCities {
		m[c.code] = c.name
		for _, k := range c.counties {
			m[k.code] = k.name
		}
	}
	return m
}()

// cityOf returns the city a code belongs to.
func cityOf(code domain.RegionCode) *city {
	for i := range shandongCities {
		if shandongCities[i].code[:4] == code[:4] {
			return &shandongCities[i]
		}
	}
	return nil
}

// areaName is the enforcement area as printed: 山东省, 济南市, 济南市历下区.
func areaName(code domain.RegionCode) string {
	switch code.Level() {
	case domain.LevelProvince:
		return "山东省"
	case domain.LevelCity:
		return regionNames[code]
	}
	return cityOf(code).name + regionNames[code]
}
