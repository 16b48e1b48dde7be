package dashboard

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// TableName is how a dataset is read by name from another dataset's SQL:
// its name in lower case, words joined by _ ("Orders by week" is
// orders_by_week).
func TableName(name string) string {
	s := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(name), "_"), "_")
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	return s[:min(len(s), 63)]
}

var nonWord = regexp.MustCompile(`[^a-z0-9_]+`)

// readOn adds the datasets in.On to in's upstream, each under its table
// name, after the queries they themselves read; who must be able to open
// each. It returns the sources to remember, for lineage.
func (s *Service) readOn(ctx context.Context, who *auth.User, in *NewDataset) ([]Basis, error) {
	var sources []Basis
	if in.From != nil {
		sources = append(sources, *in.From)
	}
	for _, id := range in.On {
		base, err := s.Dataset(ctx, who, id)
		if err != nil {
			return nil, err
		}
		name := TableName(base.Name)
		taken := func(u query.Upstream) bool { return u.Name == name }
		if name == "" || name == "dataset" || slices.ContainsFunc(in.Upstream, taken) || !query.UpstreamName.MatchString(name) {
			return nil, pier.Errorf(pier.EInvalid, "The dataset %q cannot be read by the name %q; rename it first.", base.Name, name)
		}
		for _, u := range base.Upstream {
			i := slices.IndexFunc(in.Upstream, func(have query.Upstream) bool { return have.Name == u.Name })
			switch {
			case i < 0:
				in.Upstream = append(in.Upstream, u)
			case in.Upstream[i].SQL != u.SQL:
				return nil, pier.Errorf(pier.EInvalid, "Two of the datasets it is built on read different queries named %q; build on one of them.", u.Name)
			}
		}
		in.Upstream = append(in.Upstream, query.Upstream{Name: name, SQL: base.SQL})
		sources = append(sources, Basis{Kind: "dataset", ID: base.ID})
	}
	return sources, nil
}
