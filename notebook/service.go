package notebook

import (
	"context"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/share"
	"github.com/pier-analytics/pier/store"
)

// Authorizer decides what a tier may do.
type Authorizer interface {
	Authorize(who *auth.User, obj, act string) error
}

// People finds the users a notebook is shared with.
type People interface {
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
}

// Service holds the rules: who may read, edit, run and share a notebook.
// Anyone who is neither the owner nor shared gets not-found, so a
// notebook's existence does not leak.
type Service struct {
	st     *notebookStore
	auth   Authorizer
	people People
	access Access
}

// NewService returns the notebook service over the metadata store; access
// decides which kept results a reader may see.
func NewService(db *store.DB, a Authorizer, people People, access Access) *Service {
	return &Service{st: &notebookStore{db: db}, auth: a, people: people, access: access}
}

// New describes a notebook to create.
type New struct {
	Title  string
	Folder string
	Tags   []string
	Doc    *Doc // nil: one empty SQL cell
}

// Create makes a notebook owned by who.
func (s *Service) Create(ctx context.Context, who *auth.User, in New) (*Notebook, error) {
	if err := s.auth.Authorize(who, auth.ObjNotebook, auth.ActCreate); err != nil {
		return nil, err
	}
	title, err := checkTitle(in.Title)
	if err != nil {
		return nil, err
	}
	tags, err := cleanTags(in.Tags)
	if err != nil {
		return nil, err
	}
	doc := Doc{Cells: []Cell{{Kind: SQL, Name: "query_1"}}, Params: []Param{}}
	if in.Doc != nil {
		doc = *in.Doc
	}
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	n := &Notebook{ID: store.NewID(), Title: title, OwnerID: who.ID, Folder: strings.TrimSpace(in.Folder), Tags: tags, Doc: doc}
	if err := s.st.create(ctx, n); err != nil {
		return nil, err
	}
	return s.Get(ctx, who, n.ID)
}

// Get returns the notebook if who may see it, with who's role.
func (s *Service) Get(ctx context.Context, who *auth.User, id string) (*Notebook, error) {
	n, err := s.st.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Role, err = s.st.role(ctx, id, n.OwnerID, who.ID); err != nil {
		return nil, err
	}
	if n.Role == RoleNone {
		return nil, errNotFound
	}
	return n, nil
}

// editable returns the notebook if who may change it: not-found for those
// who cannot see it, forbidden for viewers.
func (s *Service) editable(ctx context.Context, who *auth.User, id string) (*Notebook, error) {
	n, err := s.Get(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if !n.Role.CanEdit() {
		return nil, pier.Errorf(pier.EForbidden, "This notebook is shared with you to read. Make a copy to change it.")
	}
	return n, nil
}

// Save is what a save sends: the version it was based on and the new
// title and document.
type Save struct {
	Version int
	Title   string
	Doc     Doc
}

// Save writes a new version, refusing with a conflict if someone saved
// since in.Version, so that nobody's work is overwritten.
func (s *Service) Save(ctx context.Context, who *auth.User, id string, in Save) (int, error) {
	n, err := s.editable(ctx, who, id)
	if err != nil {
		return 0, err
	}
	title, err := checkTitle(in.Title)
	if err != nil {
		return 0, err
	}
	if in.Doc.Params == nil {
		// A save may leave the inputs out; that keeps them.
		in.Doc.Params = n.Doc.Params
	}
	if err := in.Doc.Validate(); err != nil {
		return 0, err
	}
	return s.st.save(ctx, id, in.Version, title, in.Doc, who.ID, 0)
}

// Revisions lists every saved version, newest first.
func (s *Service) Revisions(ctx context.Context, who *auth.User, id string) ([]Revision, error) {
	if _, err := s.Get(ctx, who, id); err != nil {
		return nil, err
	}
	return s.st.revisions(ctx, id)
}

// Revision returns one saved version with its document.
func (s *Service) Revision(ctx context.Context, who *auth.User, id string, version int) (*Revision, error) {
	if _, err := s.Get(ctx, who, id); err != nil {
		return nil, err
	}
	return s.st.revision(ctx, id, version)
}

// Restore makes an old version the newest one, as a new revision, so the
// versions in between stay in the history.
func (s *Service) Restore(ctx context.Context, who *auth.User, id string, version int) (int, error) {
	n, err := s.editable(ctx, who, id)
	if err != nil {
		return 0, err
	}
	old, err := s.st.revision(ctx, id, version)
	if err != nil {
		return 0, err
	}
	return s.st.save(ctx, id, n.Version, old.Title, *old.Doc, who.ID, version)
}

// List returns the notebooks who owns or has been shared.
func (s *Service) List(ctx context.Context, who *auth.User, f Filter) ([]Summary, error) {
	return s.st.list(ctx, who.ID, f)
}

// Folders returns the folder names in who's list.
func (s *Service) Folders(ctx context.Context, who *auth.User) ([]string, error) {
	return s.st.folders(ctx, who.ID)
}

// Organise sets the folder and tags; editors may, since both are about
// finding the notebook rather than its content.
func (s *Service) Organise(ctx context.Context, who *auth.User, id, folder string, tags []string) error {
	if _, err := s.editable(ctx, who, id); err != nil {
		return err
	}
	clean, err := cleanTags(tags)
	if err != nil {
		return err
	}
	return s.st.setMeta(ctx, id, strings.TrimSpace(folder), clean)
}

// SetArchived archives or restores a notebook; only its owner may. There
// is no hard delete: an archived notebook keeps every revision.
func (s *Service) SetArchived(ctx context.Context, who *auth.User, id string, archived bool) error {
	n, err := s.Get(ctx, who, id)
	if err != nil {
		return err
	}
	if n.Role != RoleOwner {
		return pier.Errorf(pier.EForbidden, "Only the owner (%s) can archive or restore this notebook.", n.Owner)
	}
	return s.st.setArchived(ctx, id, archived)
}

// Fork copies the current version into a new notebook owned by who.
func (s *Service) Fork(ctx context.Context, who *auth.User, id, title string) (*Notebook, error) {
	n, err := s.Get(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if title == "" {
		title = "Copy of " + n.Title
	}
	if err := s.auth.Authorize(who, auth.ObjNotebook, auth.ActCreate); err != nil {
		return nil, err
	}
	title, err = checkTitle(title)
	if err != nil {
		return nil, err
	}
	fork := &Notebook{ID: store.NewID(), Title: title, OwnerID: who.ID, Folder: n.Folder, Tags: n.Tags, Doc: n.Doc, ForkedFrom: n.ID}
	if err := s.st.create(ctx, fork); err != nil {
		return nil, err
	}
	return s.Get(ctx, who, fork.ID)
}

// Share gives a person a role on the notebook; only the owner may. An
// editor runs cells, so must be allowed to run SQL.
func (s *Service) Share(ctx context.Context, who *auth.User, id, email string, role Role) error {
	n, err := s.owned(ctx, who, id)
	if err != nil {
		return err
	}
	g := share.Grant{What: "this notebook", OwnerID: n.OwnerID, MayEdit: func(u *auth.User) error {
		return s.auth.Authorize(u, auth.ObjQuery, auth.ActRun)
	}}
	to, err := g.To(ctx, s.people, email, role)
	if err != nil {
		return err
	}
	return shareTable(s.st.db).Put(ctx, id, to.ID, role)
}

// Unshare takes a person's role away; only the owner may.
func (s *Service) Unshare(ctx context.Context, who *auth.User, id, email string) error {
	if _, err := s.owned(ctx, who, id); err != nil {
		return err
	}
	to, err := share.Unshare(ctx, s.people, email)
	if to == nil || err != nil {
		return err
	}
	return shareTable(s.st.db).Delete(ctx, id, to.ID)
}

// Shares lists who the notebook is shared with.
func (s *Service) Shares(ctx context.Context, who *auth.User, id string) ([]Share, error) {
	if _, err := s.Get(ctx, who, id); err != nil {
		return nil, err
	}
	return shareTable(s.st.db).List(ctx, id)
}

func (s *Service) owned(ctx context.Context, who *auth.User, id string) (*Notebook, error) {
	n, err := s.Get(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if n.Role != RoleOwner {
		return nil, pier.Errorf(pier.EForbidden, "Only the owner (%s) can change who this notebook is shared with.", n.Owner)
	}
	return n, nil
}

// Results returns the last result of each cell, keyed by cell id, as who
// may see them: a result that read what who cannot read is Hidden.
func (s *Service) Results(ctx context.Context, who *auth.User, id string) (map[string]*Result, error) {
	_, results, err := s.WithResults(ctx, who, id)
	return results, err
}

// WithResults returns the notebook as who sees it together with its cells'
// last results as who may see them, checking access once: what a page of
// the notebook needs.
func (s *Service) WithResults(ctx context.Context, who *auth.User, id string) (*Notebook, map[string]*Result, error) {
	n, err := s.Get(ctx, who, id)
	if err != nil {
		return nil, nil, err
	}
	results, err := s.st.results(ctx, n.ID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.hideFrom(ctx, who, results); err != nil {
		return nil, nil, err
	}
	return n, results, nil
}

// Result returns one cell's last result if who may see it: not-found when
// the cell has not run, or when its result read what who cannot read.
func (s *Service) Result(ctx context.Context, who *auth.User, id, cellID string) (*Notebook, *Result, error) {
	n, results, err := s.WithResults(ctx, who, id)
	if err != nil {
		return nil, nil, err
	}
	r, ok := results[cellID]
	switch {
	case !ok:
		return nil, nil, pier.Errorf(pier.ENotFound, "This cell has not been run yet.")
	case r.Hidden:
		return nil, nil, ErrHiddenResult
	}
	return n, r, nil
}

// ErrHiddenResult is a kept result its reader may not see.
var ErrHiddenResult = pier.Errorf(pier.ENotFound, "This result reads data you do not have access to. Ask the notebook's owner, or request access to the tables it reads.")

// Export returns the current version in portable form.
func (s *Service) Export(ctx context.Context, who *auth.User, id string) (Export, error) {
	n, err := s.Get(ctx, who, id)
	if err != nil {
		return Export{}, err
	}
	return Export{Title: n.Title, Doc: n.Doc}, nil
}

// Import creates a notebook owned by who from an exported one.
func (s *Service) Import(ctx context.Context, who *auth.User, e Export, folder string) (*Notebook, error) {
	if strings.TrimSpace(e.Title) == "" {
		e.Title = "Imported notebook"
	}
	return s.Create(ctx, who, New{Title: e.Title, Folder: folder, Doc: &e.Doc})
}
