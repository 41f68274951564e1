package service

import (
	"context"
	"sync"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// Third-party ids under which the gateway creates e签宝 accounts: stable, so
// creation is idempotent (e签宝 answers 53000000 for an existing one and the
// client falls back to the lookup).
func orgThirdID(corpID string) string          { return "dt-corp:" + corpID }
func userThirdID(corpID, userID string) string { return "dt-user:" + corpID + ":" + userID }

// ensureOrg returns the corp's e签宝 organization account, creating it on
// first use.
func (s *core) ensureOrg(ctx context.Context, corpID string) (string, error) {
	corp, err := s.store.Corp(ctx, corpID)
	if err != nil {
		return "", storeError(err, nil)
	}
	if corp.OrgID != "" {
		return corp.OrgID, nil
	}
	orgID, err := s.esign.CreateOrganization(ctx, &esign.CreateOrgRequest{ThirdPartyUserID: orgThirdID(corpID), Name: corpID})
	if err != nil {
		return "", s.upstreamError("create_organization", err)
	}
	_, err = s.store.UpdateCorp(ctx, corpID, func(c *store.Corp) error {
		if c.OrgID == "" {
			c.OrgID = orgID
		}
		return nil
	})
	return orgID, storeError(err, nil)
}

// ensureUser returns a corp user's e签宝 person account, creating it on first
// use. name is used only when the account is created.
func (s *core) ensureUser(ctx context.Context, corpID, userID, name string) (*store.User, error) {
	if !validID(userID) {
		return nil, dingtalk.Field("userId")
	}
	u, err := s.store.User(ctx, corpID, userID)
	if err == nil {
		return u, nil
	}
	if err != store.ErrNotFound {
		return nil, storeError(err, nil)
	}
	// No name means none: e签宝 takes the account without one (the person's
	// real name arrives with real-name verification), and a DingTalk userId
	// is not a name to show as initiatorName or operatorAccountName.
	acct, err := s.esign.CreatePerson(ctx, &esign.CreatePersonRequest{ThirdPartyUserID: userThirdID(corpID, userID), Name: name})
	if err != nil {
		return nil, s.upstreamError("create_person", err)
	}
	u, err = s.store.PutUser(ctx, &store.User{CorpID: corpID, UserID: userID, AccountID: acct, Name: name, CreatedAt: s.nowMs()})
	return u, storeError(err, nil)
}

// nameCache remembers account names for a while: GetFlowDetail names the
// initiator on every call, and names rarely change.
type nameCache struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]nameEntry
}

type nameEntry struct {
	name string
	at   time.Time
}

func newNameCache(ttl time.Duration, now func() time.Time) *nameCache {
	return &nameCache{ttl: ttl, now: now, m: map[string]nameEntry{}}
}

func (c *nameCache) get(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || c.now().Sub(e.at) > c.ttl {
		return "", false
	}
	return e.name, true
}

func (c *nameCache) put(id, name string) {
	if name == "" {
		return // not known yet: real-name verification may give one soon
	}
	c.mu.Lock()
	if len(c.m) > 50000 {
		c.m = map[string]nameEntry{}
	}
	c.m[id] = nameEntry{name, c.now()}
	c.mu.Unlock()
}

// personName returns the real name of an e签宝 person account.
func (s *core) personName(ctx context.Context, accountID string) (string, error) {
	if accountID == "" {
		return "", nil
	}
	if n, ok := s.names.get(accountID); ok {
		return n, nil
	}
	p, err := s.esign.Person(ctx, accountID)
	if err != nil {
		return "", s.upstreamError("person", err)
	}
	s.names.put(accountID, p.Name)
	return p.Name, nil
}

// orgName returns the name of an e签宝 organization account.
func (s *core) orgName(ctx context.Context, orgID string) (string, error) {
	if orgID == "" {
		return "", nil
	}
	if n, ok := s.names.get(orgID); ok {
		return n, nil
	}
	o, err := s.esign.Organization(ctx, orgID)
	if err != nil {
		return "", s.upstreamError("organization", err)
	}
	s.names.put(orgID, o.Name)
	return o.Name, nil
}
