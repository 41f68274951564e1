package service

import (
	"context"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// Log types of a task's history (GetFlowDetail logs[].logType). DingTalk
// documents logType only as a string; these codes are the gateway's and are
// listed in the OpenAPI description.
const (
	logCreated  = "1" // 发起流程
	logStarted  = "2" // 开启流程
	logRead     = "3" // 查看合同
	logSigned   = "4" // 签署完成
	logRefused  = "5" // 拒签
	logRevoked  = "6" // 撤销
	logFinished = "7" // 流程结束
	logExpired  = "8" // 过期
)

// task returns the caller's task id of one of kinds, from the task cache
// when it is on (lookupTask); the result must not be modified. A task of
// another corp is reported exactly like one that does not exist.
func (s *Service) task(ctx context.Context, id string, kinds ...store.TaskKind) (*store.Task, error) {
	if err := checkTaskID(id); err != nil {
		return nil, err
	}
	t, err := s.lookupTask(ctx, id)
	if err != nil {
		return nil, storeError(err, errTaskNotFound)
	}
	if t.CorpID != caller(ctx).CorpID || t.FlowID == "" || !kindIn(t.Kind, kinds) {
		return nil, errTaskNotFound
	}
	return t, nil
}

func kindIn(k store.TaskKind, kinds []store.TaskKind) bool {
	if len(kinds) == 0 {
		return true
	}
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// authorizedCorp checks that the caller's corp has authorized e签宝, which
// every action that acts upstream for the corp needs.
func (s *Service) authorizedCorp(ctx context.Context) (string, error) {
	id := caller(ctx).CorpID
	view, err := s.corps.get(ctx, id)
	if err != nil {
		return "", dingtalk.ErrUnavailable.Wrap(err)
	}
	if !view.authorized {
		return "", errNotAuthorized
	}
	return id, nil
}

// logEntry builds a log entry.
func logEntry(key, typ, desc string, at int64, who string) store.LogEntry {
	return store.LogEntry{Key: key, LogType: typ, Description: desc, OperateTime: at, OperatorName: who}
}
