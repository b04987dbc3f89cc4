package domain

import "fmt"

// RegionCode is a 6-digit GB/T 2260 code: 2 digits province, 2 city,
// 2 county. Abolished codes (e.g. 莱芜 3712xx) stay valid: old data has them.
type RegionCode string

// ParseRegionCode validates the form (six ASCII digits, non-zero province).
func ParseRegionCode(s string) (RegionCode, error) {
	if len(s) != 6 {
		return "", fmt.Errorf("region code must be 6 digits")
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("region code must be 6 digits")
		}
	}
	if s[:2] == "00" {
		return "", fmt.Errorf("region code has no province")
	}
	if s[2:4] == "00" && s[4:] != "00" {
		return "", fmt.Errorf("region code has a county but no city")
	}
	return RegionCode(s), nil
}

// Level: codes ending 0000 are provinces, 00 cities, the rest counties;
// "" for a malformed code (the zero value must not panic).
func (c RegionCode) Level() RegionLevel {
	switch {
	case len(c) != 6:
		return ""
	case c[2:] == "0000":
		return LevelProvince
	case c[4:] == "00":
		return LevelCity
	}
	return LevelCounty
}

// Province returns the 2-digit province prefix ("" for a malformed code).
func (c RegionCode) Province() string {
	if len(c) != 6 {
		return ""
	}
	return string(c[:2])
}

// City returns the 4-digit city prefix ("" for a province or malformed code).
func (c RegionCode) City() string {
	if l := c.Level(); l == LevelProvince || l == "" {
		return ""
	}
	return string(c[:4])
}

// Parent is the code of the enclosing region, "" for a province.
func (c RegionCode) Parent() RegionCode {
	switch c.Level() {
	case LevelCounty:
		return c[:4] + "00"
	case LevelCity:
		return c[:2] + "0000"
	}
	return ""
}

// Contains reports whether o lies in c's subtree (c itself included). It
// is false when either code is malformed: scope checks must fail closed.
func (c RegionCode) Contains(o RegionCode) bool {
	if len(c) != 6 || len(o) != 6 {
		return false
	}
	switch c.Level() {
	case LevelProvince:
		return c[:2] == o[:2]
	case LevelCity:
		return c[:4] == o[:4]
	}
	return c == o
}
