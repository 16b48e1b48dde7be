package dashboard

import (
	"context"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
)

// NewDataset describes a dataset to save: a query (with the earlier
// notebook cells it reads, if it comes from a notebook) and its time column.
type NewDataset struct {
	Name        string
	Description string
	SQL         string
	Upstream    []query.Upstream
	TimeColumn  string
	// On are datasets its SQL reads by name (the name in lower case, words
	// joined by _), which must be open to its creator.
	On []string
	// From is the notebook cell it was saved from, if any.
	From *Basis
}

var errNoDataset = pier.Errorf(pier.ENotFound, "There is no such dataset, or it reads tables you cannot read.")

// CreateDataset saves a query as a dataset owned by who. The query is
// checked and its columns learned with who's rights, without running it.
func (s *Service) CreateDataset(ctx context.Context, who *auth.User, in NewDataset) (*Dataset, error) {
	if err := s.auth.Authorize(who, auth.ObjDataset, auth.ActCreate); err != nil {
		return nil, err
	}
	bases, err := s.readOn(ctx, who, &in)
	if err != nil {
		return nil, err
	}
	ds, err := s.describeDataset(ctx, who, in)
	if err != nil {
		return nil, err
	}
	ds.Bases = bases
	if err := s.insertDataset(ctx, ds); err != nil {
		return nil, err
	}
	return s.Dataset(ctx, who, ds.ID)
}

func (s *Service) describeDataset(ctx context.Context, who *auth.User, in NewDataset) (*Dataset, error) {
	name, err := checkName(in.Name)
	if err != nil {
		return nil, err
	}
	desc, err := checkDescription(in.Description)
	if err != nil {
		return nil, err
	}
	sql := strings.TrimRight(strings.TrimSpace(in.SQL), ";")
	if sql == "" || len(sql) > maxSQL {
		return nil, pier.Errorf(pier.EInvalid, "A dataset needs its SQL (at most %d characters).", maxSQL)
	}
	p, err := s.principal(ctx, who.ID)
	if err != nil {
		return nil, err
	}
	d, err := s.engine.Describe(ctx, p, query.Request{SQL: sql, Upstream: in.Upstream})
	if err != nil {
		return nil, err
	}
	if len(d.Params) > 0 {
		return nil, pier.Errorf(pier.EInvalid, "The query uses $%s; a dataset cannot have inputs. Write the value into the SQL, or leave the filter to the explorer.", d.Params[0])
	}
	ds := &Dataset{ID: store.NewID(), Name: name, Description: desc, OwnerID: who.ID, SQL: sql,
		Upstream: in.Upstream, Columns: roles(d.Columns), Tables: d.Tables}
	if ds.TimeColumn, err = chooseTimeColumn(ds.Columns, in.TimeColumn); err != nil {
		return nil, err
	}
	return ds, nil
}

// Dataset returns the dataset if who may explore it: handle tier and up,
// and able to read every restricted table it reads.
func (s *Service) Dataset(ctx context.Context, who *auth.User, id string) (*Dataset, error) {
	if err := s.auth.Authorize(who, auth.ObjDataset, auth.ActRead); err != nil {
		return nil, err
	}
	ds, err := s.getDataset(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.canRead(ctx, who.ID, ds.Tables)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoDataset
	}
	return ds, nil
}

// Datasets lists the datasets who may explore, certified first.
func (s *Service) Datasets(ctx context.Context, who *auth.User) ([]*Dataset, error) {
	if err := s.auth.Authorize(who, auth.ObjDataset, auth.ActRead); err != nil {
		return nil, err
	}
	all, err := s.listDatasets(ctx)
	if err != nil {
		return nil, err
	}
	can, err := s.readable(ctx, who.ID)
	if err != nil {
		return nil, err
	}
	out := []*Dataset{}
	for _, ds := range all {
		if can(ds.Tables) {
			out = append(out, ds)
		}
	}
	return out, nil
}

// DatasetChange is a change to a dataset's description; nil fields stay.
type DatasetChange struct {
	Name        *string
	Description *string
	TimeColumn  *string
	Certified   *bool
	Columns     map[string]ColumnChange // labels and formats
}

// ChangeDataset renames, describes or re-times a dataset (its owner or
// the data team) or certifies it (the data team). Its SQL never changes,
// since dashboards are built on it; save a new dataset instead.
func (s *Service) ChangeDataset(ctx context.Context, who *auth.User, id string, c DatasetChange) (*Dataset, error) {
	ds, err := s.Dataset(ctx, who, id)
	if err != nil {
		return nil, err
	}
	isData := s.auth.Authorize(who, auth.ObjDataset, auth.ActCertify) == nil
	if c.Certified != nil && !isData {
		return nil, pier.Errorf(pier.EForbidden, "Only the data team certifies datasets.")
	}
	if (c.Name != nil || c.Description != nil || c.TimeColumn != nil || c.Columns != nil) && ds.OwnerID != who.ID && !isData {
		return nil, pier.Errorf(pier.EForbidden, "Only the owner of %s or the data team can change it.", ds.Name)
	}
	if err := applyDatasetChange(ds, c); err != nil {
		return nil, err
	}
	if err := s.updateDataset(ctx, ds, c.Certified, who.ID); err != nil {
		return nil, err
	}
	return s.Dataset(ctx, who, id)
}

func applyDatasetChange(ds *Dataset, c DatasetChange) error {
	var err error
	if c.Name != nil {
		if ds.Name, err = checkName(*c.Name); err != nil {
			return err
		}
	}
	if c.Description != nil {
		if ds.Description, err = checkDescription(*c.Description); err != nil {
			return err
		}
	}
	if c.TimeColumn != nil {
		if ds.TimeColumn, err = chooseTimeColumn(ds.Columns, *c.TimeColumn); err != nil {
			return err
		}
	}
	return applyColumnChanges(ds, c.Columns)
}

// Explore runs an exploration of a dataset with who's own rights and
// returns the SQL Pier wrote with the answer.
func (s *Service) Explore(ctx context.Context, who *auth.User, id string, x Exploration) (*Built, *query.Cached, error) {
	_, b, res, err := s.explore(ctx, who, id, x)
	return b, res, err
}

// explore is Explore, also answering the dataset it read.
func (s *Service) explore(ctx context.Context, who *auth.User, id string, x Exploration) (*Dataset, *Built, *query.Cached, error) {
	ds, err := s.Dataset(ctx, who, id)
	if err != nil {
		return nil, nil, nil, err
	}
	b, err := x.Build(ds)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := s.principal(ctx, who.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := s.engine.QueryCached(ctx, p, datasetRequest(ds, b))
	return ds, b, res, err
}

// datasetRequest is built SQL over ds, which it reads as "dataset".
func datasetRequest(ds *Dataset, b *Built) query.Request {
	up := append(append([]query.Upstream{}, ds.Upstream...), query.Upstream{Name: "dataset", SQL: ds.SQL})
	return query.Request{SQL: b.SQL, Params: b.Params, Upstream: up, Wait: true}
}

// Source names the dataset a tile is built on and whether it is certified,
// for the badge the tile shows.
type Source struct {
	Name      string
	Certified bool
}

// Sources returns the datasets the dashboard's tiles are built on, by id.
// The caller has opened the dashboard; a dataset's name and certificate
// are no secret to its viewers.
func (s *Service) Sources(ctx context.Context, d *Dashboard) (map[string]Source, error) {
	out := map[string]Source{}
	for _, t := range d.Doc.Tiles {
		if _, done := out[t.Dataset]; t.Dataset == "" || done {
			continue
		}
		ds, err := s.getDataset(ctx, t.Dataset)
		if err != nil {
			return nil, err
		}
		out[t.Dataset] = Source{Name: ds.Name, Certified: ds.Certified}
	}
	return out, nil
}
