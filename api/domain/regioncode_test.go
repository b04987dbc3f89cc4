package domain

import "testing"

func TestParseRegionCode(t *testing.T) {
	for _, ok := range []string{"370000", "370100", "370102", "371200", "371202", "110105", "440524", "820000"} {
		if c, err := ParseRegionCode(ok); err != nil || string(c) != ok {
			t.Errorf("ParseRegionCode(%q) = %q, %v", ok, c, err)
		}
	}
	for _, bad := range []string{
		"", "37010", "3701020", "37010A", "37 102", "３７０１０２", "-37010",
		"000000", "001000", // no province
		"370012", "370001", // county without city
	} {
		if c, err := ParseRegionCode(bad); err == nil {
			t.Errorf("ParseRegionCode(%q) = %q, want error", bad, c)
		}
	}
}

func TestRegionCodeTree(t *testing.T) {
	tests := []struct {
		code           RegionCode
		level          RegionLevel
		parent         RegionCode
		province, city string
	}{
		{"370000", LevelProvince, "", "37", ""},
		{"370100", LevelCity, "370000", "37", "3701"},
		{"370102", LevelCounty, "370100", "37", "3701"},
		{"371200", LevelCity, "370000", "37", "3712"}, // 莱芜, abolished 2019
		{"371202", LevelCounty, "371200", "37", "3712"},
		{"110105", LevelCounty, "110100", "11", "1101"},
	}
	for _, tt := range tests {
		c := tt.code
		if c.Level() != tt.level || c.Parent() != tt.parent || c.Province() != tt.province || c.City() != tt.city {
			t.Errorf("%s: level %s parent %q province %q city %q; want %s %q %q %q",
				c, c.Level(), c.Parent(), c.Province(), c.City(), tt.level, tt.parent, tt.province, tt.city)
		}
	}
}

func TestRegionCodeContains(t *testing.T) {
	tests := []struct {
		c, o RegionCode
		want bool
	}{
		{"370000", "370000", true},
		{"370000", "370100", true},
		{"370000", "370102", true},
		{"370000", "371200", true}, // old 莱芜 data stays under Shandong
		{"370000", "371202", true},
		{"370000", "110000", false},
		{"370000", "110105", false},
		{"370000", "320102", false},
		{"370100", "370100", true},
		{"370100", "370102", true},
		{"370100", "370116", true},
		{"370100", "370000", false}, // a city does not contain its province
		{"370100", "370202", false},
		{"370100", "371202", false},
		{"370102", "370102", true},
		{"370102", "370103", false},
		{"370102", "370100", false},
		{"370102", "370000", false},
	}
	for _, tt := range tests {
		if got := tt.c.Contains(tt.o); got != tt.want {
			t.Errorf("%s.Contains(%s) = %v, want %v", tt.c, tt.o, got, tt.want)
		}
	}
}

func TestRegionCodeParentChain(t *testing.T) {
	// Walking Parent from any county ends at its province in two steps and
	// every ancestor contains the start.
	for _, c := range []RegionCode{"370102", "371202", "110105"} {
		steps := 0
		for p := c.Parent(); p != ""; p = p.Parent() {
			if !p.Contains(c) {
				t.Errorf("%s does not contain its descendant %s", p, c)
			}
			steps++
		}
		if steps != 2 {
			t.Errorf("%s: %d ancestors, want 2", c, steps)
		}
	}
}
