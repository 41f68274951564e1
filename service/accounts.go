package service

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strings"
	"sync"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// Third-party ids under which the gateway creates e签宝 accounts: stable, so
// creation is idempotent (e签宝 answers 53000000 for an existing one and the
// client falls back to the lookup). e签宝 keeps one thirdPartyUserId
// namespace for persons and organizations together: the prefixes keep
// the three kinds apart ("dt-corp:" organizations, "dt-user:" and
// "dt-agent:" persons).
func orgThirdID(corpID string) string          { return "dt-corp:" + corpID }
func userThirdID(corpID, userID string) string { return "dt-user:" + corpID + ":" + userID }
func agentThirdID(corpID string) string        { return "dt-agent:" + corpID }

// Id spaces. store.User.AccountID and store.Corp.OrgID are v1 ids (from
// createByThirdPartyUserId): the v1/v2 endpoints (flows, executeUrl,
// identity pages) take them. store.User.PsnID, store.Corp.SaaSOrgID and
// store.Corp.TransactorPsnID are v3 SaaS ids: the v3 endpoints (identity-
// info by id, org console, approvals) take only these. A v3 id exists once
// the person or organization verified its real name; the gateway learns it
// when the identity flow ends (learnV3IDs): the identity detail names who
// was verified, identity-info finds their v3 id by id number.

// ensureOrg returns the corp's e签宝 organization account (v1 orgId),
// creating it on first use. e签宝 requires a creator, a v1 person account
// created first: creator when the action names one (the initiator, the
// real-name agent), else a per-corp agent account. The name is the corp's
// real name when known (e签宝 makes the template seal from it), else none:
// never the corpId (README, decisions).
func (s *core) ensureOrg(ctx context.Context, corpID, creator string) (string, error) {
	corp, err := s.store.Corp(ctx, corpID)
	if err != nil {
		return "", storeError(err, nil)
	}
	if corp.OrgID != "" {
		return corp.OrgID, nil
	}
	if creator == "" {
		if creator, err = s.esign.CreatePerson(ctx, &esign.CreatePersonRequest{ThirdPartyUserID: agentThirdID(corpID)}); err != nil {
			return "", s.upstreamError("create_person", err)
		}
	}
	orgID, err := s.esign.CreateOrganization(ctx, &esign.CreateOrgRequest{ThirdPartyUserID: orgThirdID(corpID), Creator: creator, Name: corp.OrgName})
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
	return s.ensurePerson(ctx, corpID, userID, userThirdID(corpID, userID), name, "")
}

// Outside persons (participants named by account, a mobile or an e-mail,
// not by userId) have an id space of their own, apart from DingTalk
// userIds and lossless, so two accounts are never one e签宝 person:
//
//	store key         "ext:" + enc(account)   (':' is never in a userId: validID)
//	thirdPartyUserId  "dt-ext:" + corpId + ":" + enc(account)
//
// enc is "b" + unpadded lowercase base32 of the account's bytes for up to
// 40 bytes (at most 65 characters), else "s" + base32 of its SHA-256 (53
// characters): injective within each form, and the first letter keeps the
// forms apart. e签宝's createByThirdPartyUserId page states no maximum
// length; the ids stay within 137 characters, as the dt-user ids always
// did (README, decisions). Accounts are taken byte for byte: no case or
// format folding, since the gateway cannot know two spellings are one
// person.
func outsideEnc(account string) string {
	if len(account) <= maxPlainAccount {
		return "b" + b32.EncodeToString([]byte(account))
	}
	sum := sha256.Sum256([]byte(account))
	return "s" + b32.EncodeToString(sum[:])
}

const maxPlainAccount = 40

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func outsideUserID(account string) string { return "ext:" + outsideEnc(account) }
func outsideThirdID(corpID, account string) string {
	return "dt-ext:" + corpID + ":" + outsideEnc(account)
}

// legacyOutsideUserID is the key outside persons were stored under before:
// the account with every character outside [A-Za-z0-9._-] made '_' and cut
// at 58, which several accounts (and a userId) could share.
func legacyOutsideUserID(account string) string {
	var b strings.Builder
	for _, r := range account {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > 58 {
		out = out[:58]
	}
	return "acct_" + out
}

// outsidePerson returns an outside person's e签宝 account, creating it on
// first use. An account stored under the legacy key is still used when
// e签宝 says it was made for exactly this account (its mobile or e-mail,
// one lookup, then it is stored under the new key too); otherwise (a
// collision of the old key, or a DingTalk user of that id) the person gets
// an account of their own.
func (s *core) outsidePerson(ctx context.Context, corpID, account, name string) (*store.User, error) {
	key := outsideUserID(account)
	u, err := s.store.User(ctx, corpID, key)
	if err == nil {
		return u, nil
	}
	if err != store.ErrNotFound {
		return nil, storeError(err, nil)
	}
	old, err := s.store.User(ctx, corpID, legacyOutsideUserID(account))
	switch {
	case err == nil:
		ok, err := s.contactIs(ctx, old.AccountID, account)
		if err != nil {
			return nil, err
		}
		if ok {
			u, err := s.store.PutUser(ctx, &store.User{CorpID: corpID, UserID: key, AccountID: old.AccountID,
				PsnID: old.PsnID, Name: old.Name, CreatedAt: s.nowMs()})
			return u, storeError(err, nil)
		}
	case err != store.ErrNotFound:
		return nil, storeError(err, nil)
	}
	return s.ensurePerson(ctx, corpID, key, outsideThirdID(corpID, account), name, account)
}

// contactIs reports whether the e签宝 person accountID was created for
// account (its mobile or e-mail, exactly).
func (s *core) contactIs(ctx context.Context, accountID, account string) (bool, error) {
	p, err := s.esign.Person(ctx, accountID)
	if err != nil {
		return false, s.upstreamError("person", err)
	}
	return p.Mobile == account || p.Email == account, nil
}

// isParticipant reports whether account (GetExecuteUrl's) names p: a
// DingTalk participant by its userId, an outside one by the account it was
// added with, exactly. Participants stored before the account was kept
// are matched by the contact e签宝 holds for them.
func (s *core) isParticipant(ctx context.Context, p store.Participant, account string) (bool, error) {
	switch {
	case p.UserID != "":
		return p.UserID == account, nil
	case p.Account != "":
		return p.Account == account, nil
	case p.AccountID == "":
		return false, nil
	default:
		return s.contactIs(ctx, p.AccountID, account)
	}
}

// ensurePerson returns the person stored under userID in the corp, or
// creates their e签宝 account under thirdID (with the contact an outside
// person gave, mobile or e-mail, which e签宝 uses for notices and
// identity-info) and stores it.
func (s *core) ensurePerson(ctx context.Context, corpID, userID, thirdID, name, contact string) (*store.User, error) {
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
	req := &esign.CreatePersonRequest{ThirdPartyUserID: thirdID, Name: name}
	if strings.Contains(contact, "@") {
		req.Email = contact
	} else {
		req.Mobile = contact
	}
	acct, err := s.esign.CreatePerson(ctx, req)
	if err != nil {
		return nil, s.upstreamError("create_person", err)
	}
	u, err = s.store.PutUser(ctx, &store.User{CorpID: corpID, UserID: userID, AccountID: acct, Name: name, CreatedAt: s.nowMs()})
	return u, storeError(err, nil)
}

// learnV3IDs runs when a real-name task's identity flow succeeded: the
// identity detail (GET /v2/identity/auth/api/common/{flowId}/detail) says
// who was verified, identity-info finds their v3 id by id number (or the
// organization's name), and the store keeps it. The first corp user to
// verify becomes the corp's console transactor until an organization
// verification names its agent (decision: e签宝 documents no way to list
// an organization's members with console rights for a v1 integration).
func (s *core) learnV3IDs(ctx context.Context, t *store.Task) error {
	d, err := s.esign.IdentityDetail(ctx, t.FlowID)
	if err != nil {
		return s.upstreamError("identity_detail", err)
	}
	if d.Status != "SUCCESS" {
		return nil
	}
	var psnID string
	if p := d.IndivInfo; p != nil && p.CertNo != "" && t.UserID != "" {
		info, err := s.esign.PersonIdentity(ctx, esign.PersonLookup{IDCardNum: p.CertNo, IDCardType: nonEmpty(p.CertType, "CRED_PSN_CH_IDCARD")})
		if err != nil {
			return s.upstreamError("person_identity", err)
		}
		psnID = info.PsnID
		if err := s.store.SetUserPsnID(ctx, t.CorpID, t.UserID, psnID); err != nil {
			return storeError(err, nil)
		}
	} else if t.UserID != "" {
		if u, err := s.store.User(ctx, t.CorpID, t.UserID); err == nil {
			psnID = u.PsnID
		}
	}
	var org *esign.IdentityInfo
	if o := d.OrganInfo; o != nil {
		lookup := esign.OrgLookup{Name: o.Name}
		if o.CertNo != "" {
			lookup = esign.OrgLookup{IDCardNum: o.CertNo, IDCardType: nonEmpty(o.CertType, "CRED_ORG_USCC")}
		}
		if org, err = s.esign.OrgIdentity(ctx, lookup); err != nil {
			return s.upstreamError("org_identity", err)
		}
	}
	_, err = s.store.UpdateCorp(ctx, t.CorpID, func(c *store.Corp) error {
		if org != nil {
			c.SaaSOrgID, c.OrgName = org.OrgID, nonEmpty(org.OrgName, c.OrgName)
			if psnID != "" {
				c.TransactorPsnID = psnID // the agent who verified the organization
			}
		} else if psnID != "" && c.TransactorPsnID == "" {
			c.TransactorPsnID = psnID
		}
		return nil
	})
	return storeError(err, nil)
}

// saasOrg returns the corp's v3 orgId and transactor psnId, or the
// documented "not authorized" error when the organization has not verified
// its real name (so has no v3 id) or no verified member is known.
func (s *core) saasOrg(ctx context.Context, corpID string) (orgID, transactor string, err error) {
	corp, err := s.store.Corp(ctx, corpID)
	if err != nil {
		return "", "", storeError(err, nil)
	}
	if corp.SaaSOrgID == "" {
		return "", "", dingtalk.ErrNotAuthorized.Msg("企业未在e签宝完成实名认证，请先完成企业实名")
	}
	return corp.SaaSOrgID, corp.TransactorPsnID, nil
}

// grantError is the answer when e签宝 says the organization has not granted
// this app a scope (1453001 用户:%s未授权:org_approval_info, and 1436116's
// wording for the console): the documented DingTalk permission error, not
// an e签宝 code in a 400.
func (s *core) grantError(op string, err error) error {
	var ae *esign.APIError
	if errors.As(err, &ae) && (ae.Code == 1453001 || ae.Code == 1436116) {
		return dingtalk.ErrNotAuthorized.Msg("企业未授予e签宝应用所需权限：%s", ae.Message).Wrap(err)
	}
	return s.upstreamError(op, err)
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

// emptyNameTTL is how long an account without a name yet (an organization
// or person before real-name verification) is remembered as such: not
// asking e签宝 again on every read, yet showing the name soon after
// verification gives one.
const emptyNameTTL = 30 * time.Second

func (c *nameCache) get(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	ttl := c.ttl
	if e.name == "" {
		ttl = min(ttl, emptyNameTTL)
	}
	if !ok || c.now().Sub(e.at) > ttl {
		return "", false
	}
	return e.name, true
}

// forget drops ids: their names may have changed (real-name verification).
func (c *nameCache) forget(ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.m, id)
	}
}

func (c *nameCache) put(id, name string) {
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

// participant is the stored form of a party with its e签宝 account: the
// outside account is kept, so that GetExecuteUrl can match it exactly.
func participant(x dingtalk.Party, u *store.User, role string) store.Participant {
	p := store.Participant{UserID: x.UserID, AccountID: u.AccountID, Name: u.Name, OrgName: x.OrgName, Role: role}
	if x.UserID == "" {
		p.Account = x.Account
	}
	return p
}
