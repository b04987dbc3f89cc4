package seed

import (
	"math/rand/v2"

	"github.com/lecms/lecms/api/domain"
)

// uscc builds a valid unified social credit code (统一社会信用代码, GB
// 32100-2015) for a government body: registration authority 1 (机构编制),
// type 1 (机关), the region code, a 9-character organisation code with its
// GB 11714 check character, and the overall check character.
func uscc(rng *rand.Rand, region domain.RegionCode) string {
	body := make([]byte, 8)
	body[0], body[1] = '0', '0'
	for i := 2; i < 8; i++ {
		body[i] = byte('0' + rng.IntN(10))
	}
	first17 := "11" + string(region) + string(body) + string(orgCodeCheck(string(body)))
	return first17 + string(usccCheck(first17))
}

// orgCodeCheck is the GB 11714 check character of an 8-character
// organisation code body (digits 0-9, letters A=10 … Z=35).
func orgCodeCheck(body string) byte {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// usccChars is the 31-character alphabet of GB 32100 (no I, O, S, V, Z).
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccCheck is the GB 32100 check character of the first 17 characters.
func usccCheck(first17 string) byte {
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		v := -1
		for j := 0; j < len(usccChars); j++ {
			if usccChars[j] == first17[i] {
				v = j
				break
			}
		}
		if v < 0 {
			return 0
		}
		sum += v * w
		w = w * 3 % 31
	}
	return usccChars[(31-sum%31)%31]
}
