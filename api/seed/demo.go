package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// DemoOfficers is the number of officers Demo loads.
const DemoOfficers = 5000

// DemoPassword is the password of every demo account. It is published in
// the README: demo data is refused in production.
const DemoPassword = "Demo@2026"

// Account is a demo login. UnitCode is set for unit roles only.
type Account struct {
	Username    string
	Password    string
	Role        domain.Role
	Scope       domain.RegionCode
	UnitCode    string
	DisplayName string
	Description string
}

// Units the demo accounts work in; their codes are fixed by demoUnits' order.
const (
	demoLixiaUnit = "济南市历下区城市管理局"
	demoJinanUnit = "济南市市场监督管理局"
)

// DemoAccounts lists one account per role and level; the README and the
// tests use this list.
func DemoAccounts() []Account {
	return []Account{
		{"admin", DemoPassword, domain.RoleAdmin, "370000", "", "系统管理员", "系统管理员，管理全省用户、单位、区划和设置"},
		{"sft_reviewer", DemoPassword, domain.RoleLegalReviewer, "370000", "", "省司法厅审核员",
			"山东省司法厅法制审核：查看全省，审批省直单位的申请"},
		{"jinan_reviewer", DemoPassword, domain.RoleLegalReviewer, "370100", "", "济南市司法局审核员",
			"济南市司法局法制审核：查看济南全市，审批市直单位的申请"},
		{"lixia_reviewer", DemoPassword, domain.RoleLegalReviewer, "370102", "", "历下区司法局审核员",
			"历下区司法局法制审核：查看并审批历下区单位的申请"},
		{"qingdao_reviewer", DemoPassword, domain.RoleLegalReviewer, "370200", "", "青岛市司法局审核员",
			"青岛市司法局法制审核：查看青岛全市，审批市直单位的申请"},
		{"lixia_operator", DemoPassword, domain.RoleUnitOperator, "370102", demoUnitCode(demoLixiaUnit), "历下城管经办人",
			"济南市历下区城市管理局经办人：录入人员、提交办证和年检申请"},
		{"lixia_unit_reviewer", DemoPassword, domain.RoleUnitReviewer, "370102", demoUnitCode(demoLixiaUnit), "历下城管审核人",
			"济南市历下区城市管理局审核人：审核本单位申请（盖章）"},
		{"jinan_operator", DemoPassword, domain.RoleUnitOperator, "370100", demoUnitCode(demoJinanUnit), "济南市场监管经办人",
			"济南市市场监督管理局经办人：录入人员、提交办证和年检申请"},
		{"jinan_unit_reviewer", DemoPassword, domain.RoleUnitReviewer, "370100", demoUnitCode(demoJinanUnit), "济南市场监管审核人",
			"济南市市场监督管理局审核人：审核本单位申请（盖章）"},
		{"card_issuer", DemoPassword, domain.RoleCardIssuer, "370000", "", "制证员",
			"山东省司法厅制证员：制证批次、写芯片、发证"},
	}
}

// demoUnit is a unit of the demo data with its code and officer weight.
type demoUnit struct {
	unitInfo
	weight int
}

// demoUnits is the fixed list of ~200 demo units, codes A00001… in order:
// province-level units, then each city's bureaus followed by those of its
// districts and counties.
var demoUnits = buildDemoUnits()

func buildDemoUnits() []demoUnit {
	var out []demoUnit
	add := func(name string, region domain.RegionCode, b bureau, weight int) {
		if name == demoLixiaUnit || name == demoJinanUnit {
			weight = 50 // the demo accounts' units have enough officers to page through
		}
		out = append(out, demoUnit{unitInfo{Code: fmt.Sprintf("A%05d", len(out)+1), Name: name, Region: region,
			Category: b.category, Legal: b.legal}, weight})
	}
	for _, p := range provinceUnits {
		w := 30
		if p.legal {
			w = 12
		}
		add(p.name, Province, bureau{category: p.category, legal: p.legal}, w)
	}
	cityBureaus := []bureau{bJustice, bMarket, bEcology, bUrban, bTraffic, bLand, bFarm, bCulture, bHealth, bSafety}
	countyBureaus := []bureau{bMarket, bUrban, bEcology, bTraffic, bFarm, bHealth, bSafety}
	for ci := range shandongCities {
		c := &shandongCities[ci]
		// 济南 and 青岛 in full; three bureaus in every other city.
		nCity, counties, perCounty := 4, c.counties[:2], 2
		switch c.code {
		case "370100":
			nCity, counties, perCounty = 10, c.counties, 3
		case "370200":
			nCity, counties, perCounty = 8, c.counties, 3
		}
		for _, b := range cityBureaus[:nCity] {
			w := 30
			if b.legal {
				w = 10
			}
			add(unitName(b, c, nil), c.code, b, w)
		}
		for ki := range counties {
			k := &counties[ki]
			if k.code == "370102" { // 历下区: its legal office too
				add(unitName(bJustice, c, k), k.code, bJustice, 8)
			}
			bs := make([]bureau, perCounty)
			for j := range bs {
				bs[j] = countyBureaus[(ki+j)%len(countyBureaus)]
			}
			if k.code == "370102" {
				bs = []bureau{bUrban, bMarket, bEcology} // the demo accounts' unit first
			}
			for _, b := range bs {
				add(unitName(b, c, k), k.code, b, 20)
			}
		}
	}
	return out
}

func demoUnitCode(name string) string {
	for _, u := range demoUnits {
		if u.Name == name {
			return u.Code
		}
	}
	panic("seed: no demo unit " + name)
}

// DemoIfEmpty loads the demo data when the database holds no unit yet; the
// server calls it on the first start of the embedded default.
func DemoIfEmpty(ctx context.Context, d Deps) (bool, error) {
	if d.DB == nil {
		return false, errors.New("seed: Deps.DB is required")
	}
	has, err := d.DB.HasUnits(ctx)
	if err != nil || has {
		return false, err
	}
	_, err = Demo(ctx, d)
	return err == nil, err
}

// Demo loads the Shandong region tree, ~200 units, DemoOfficers officers
// with certificates in every state relative to d.Today, their exam records
// and the DemoAccounts. It is deterministic apart from d.Today (and the
// random nonces inside ciphertexts and password hashes). It refuses to run
// twice on one database.
func Demo(ctx context.Context, d Deps) (Summary, error) {
	start := time.Now()
	sum := newSummary()
	if err := d.fill(); err != nil {
		return sum, err
	}
	if d.Hasher == nil {
		return sum, errors.New("seed: Deps.Hasher is required for the demo accounts")
	}
	if got, err := d.DB.UnitIDsByCode(ctx, []string{demoUnits[0].Code}); err != nil {
		return sum, err
	} else if len(got) > 0 {
		return sum, fmt.Errorf("seed: demo data is already loaded (unit %s exists)", demoUnits[0].Code)
	}

	regions := Shandong()
	if err := d.DB.InsertRegions(ctx, regions); err != nil {
		return sum, fmt.Errorf("seed regions: %w", err)
	}
	sum.Regions = len(regions)

	rng := rand.New(rand.NewPCG(2026, 370000))
	units := make([]demoUnit, len(demoUnits))
	copy(units, demoUnits)
	newUnits := make([]store.NewUnit, len(units))
	for i, u := range units {
		newUnits[i] = store.NewUnit{Code: u.Code, Name: u.Name, RegionCode: u.Region, CreditCode: uscc(rng, u.Region),
			Contact: chineseName(rng, rng.IntN(2) == 0), Phone: phone(rng, u.Region)}
	}
	ids, err := d.DB.InsertUnits(ctx, newUnits)
	if err != nil {
		return sum, fmt.Errorf("seed units: %w", err)
	}
	for i := range units {
		units[i].ID = ids[i]
	}
	sum.Units = len(units)

	existing, err := d.DB.MaxCertNumbers(ctx, certPrefixLen)
	if err != nil {
		return sum, err
	}
	g := newOfficerGen(rng.Uint64(), d, existing)
	officers := demoOfficers(g, units)
	for batch := range slices.Chunk(officers, 10_000) {
		if err := d.DB.InsertOfficers(ctx, batch); err != nil {
			return sum, fmt.Errorf("seed officers: %w", err)
		}
		sum.count(d.Policy, d.Today, batch)
	}

	n, err := createAccounts(ctx, d, units)
	sum.Users = n
	if err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	d.Log.Info("demo data loaded", "units", sum.Units, "officers", sum.Officers, "users", sum.Users,
		"elapsed", sum.Elapsed.Round(time.Millisecond).String())
	return sum, nil
}

// demoOfficers spreads DemoOfficers over the units by weight (every unit
// gets at least 5) and draws each officer.
func demoOfficers(g *officerGen, units []demoUnit) []store.NewOfficer {
	total := 0
	for _, u := range units {
		total += u.weight
	}
	counts := make([]int, len(units))
	left := DemoOfficers
	for i, u := range units {
		// ±40% around the unit's share, so units differ in size.
		share := float64(DemoOfficers) * float64(u.weight) / float64(total) * (0.6 + 0.8*g.rng.Float64())
		counts[i] = max(5, int(share))
		left -= counts[i]
	}
	for i := 0; left != 0; i = (i + 1) % len(units) { // settle the rounding on the largest units first
		if left > 0 {
			counts[i]++
			left--
		} else if counts[i] > 5 {
			counts[i]--
			left++
		}
	}

	seqByRegion := map[domain.RegionCode]int{}
	used := map[domain.IDNumber]bool{}
	out := make([]store.NewOfficer, 0, DemoOfficers)
	for i := range units {
		u := &units[i].unitInfo
		for range counts[i] {
			seqByRegion[u.Region]++
			code := fmt.Sprintf("%s%04d", u.Region, seqByRegion[u.Region])
			var id domain.IDNumber
			for {
				id = domain.MakeIDNumber(g.birthRegion(u.Region), dateIn(g.rng, birthFrom, birthTo), g.rng.IntN(demoIDSeqs), g.pct(68))
				if !used[id] {
					used[id] = true
					break
				}
			}
			out = append(out, g.officer(u, code, id))
		}
	}
	return out
}

// Birth dates are drawn from 1965–1998. The demo uses ID sequence numbers
// 0..demoIDSeqs-1 and synthetic data the rest, so the two never share an
// ID number.
var (
	birthFrom = domain.MustDate("1965-01-01")
	birthTo   = domain.MustDate("1998-12-31")
)

const demoIDSeqs = 100

// birthRegion is the region code in an officer's ID number: mostly a
// county of the unit's area, sometimes elsewhere in Shandong; officers of
// 莱芜区 and 钢城区 were registered under 莱芜市's abolished codes.
func (g *officerGen) birthRegion(unit domain.RegionCode) domain.RegionCode {
	switch unit {
	case "370116":
		if g.pct(80) {
			return "371202"
		}
	case "370117":
		if g.pct(80) {
			return "371203"
		}
	}
	if unit.Level() == domain.LevelCounty && g.pct(70) {
		return unit
	}
	c := cityOf(unit)
	if c == nil || g.pct(12) {
		c = &shandongCities[g.rng.IntN(len(shandongCities))]
	}
	return c.counties[g.rng.IntN(len(c.counties))].code
}

func phone(rng *rand.Rand, region domain.RegionCode) string {
	code := areaCodes[string(region[:4])]
	if code == "" {
		code = "0531" // province-level units sit in 济南
	}
	return fmt.Sprintf("%s-%d%07d", code, 5+rng.IntN(4), rng.IntN(10_000_000))
}

// createAccounts hashes the demo passwords (two at a time, bounded by the
// Hasher) and creates the accounts; existing usernames are left alone.
func createAccounts(ctx context.Context, d Deps, units []demoUnit) (int, error) {
	byCode := map[string]int64{}
	for _, u := range units {
		byCode[u.Code] = u.ID
	}
	hashes := make([]string, len(DemoAccounts()))
	errs := make([]error, len(DemoAccounts()))
	var wg sync.WaitGroup
	for i, a := range DemoAccounts() {
		wg.Go(func() { hashes[i], errs[i] = d.Hasher.Hash(ctx, a.Password) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	users := store.NewUsers(d.DB)
	n := 0
	for i, a := range DemoAccounts() {
		u := store.NewUser{Username: a.Username, DisplayName: a.DisplayName, PasswordHash: hashes[i], Role: a.Role,
			ScopeRegion: a.Scope, MustChangePassword: false}
		if a.UnitCode != "" {
			id, ok := byCode[a.UnitCode]
			if !ok {
				return n, fmt.Errorf("seed: demo account %s: no unit %s", a.Username, a.UnitCode)
			}
			u.UnitID = &id
		}
		if _, err := users.Create(ctx, u); err != nil {
			if domain.ErrorCode(err) == domain.CodeConflict {
				d.Log.Warn("demo account exists, left unchanged", "username", a.Username)
				continue
			}
			return n, fmt.Errorf("seed account %s: %w", a.Username, err)
		}
		n++
	}
	return n, nil
}
