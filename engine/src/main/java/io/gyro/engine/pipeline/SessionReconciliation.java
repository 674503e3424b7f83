package io.gyro.engine.pipeline;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.SessionStore;

import java.util.List;

/**
 * After an unclean stop, brings sessions in line with the journal records that recovery rolled
 * forward: those requests were charged (their record reached the journal) but the process died
 * before the session was written and before the answer left. Their retransmissions must not be
 * charged again, so each such session is marked as having seen that CC-Request-Number, with no
 * stored answer (a retransmission then gets 5012 DIAMETER_UNABLE_TO_COMPLY, never a second
 * charge), and the rating group's reservation is dropped, because the record's account
 * after-state already released it. Runs once at start, before the pipeline.
 */
public final class SessionReconciliation {
    private SessionReconciliation() {
    }

    /** Returns how many sessions were changed. */
    public static int apply(List<JournalEntry> rolledForward, SessionStore sessions, long nowMs, long graceMs) {
        Session session = new Session();
        int changed = 0;
        for (JournalEntry e : rolledForward) {
            if (e.sessionId == null || e.ccRequestNumber < 0) {
                continue;
            }
            int type = requestType(e.kind);
            if (type < 0) {
                continue;
            }
            session.id().set(e.sessionId);
            boolean known = sessions.read(session);
            if (!known) {
                session.clear();
                session.msisdn(e.msisdn).accountId(e.accountId).createdMs(nowMs);
            }
            if (known && (session.lastCcRequestNumber() > e.ccRequestNumber
                    || session.lastCcRequestNumber() == e.ccRequestNumber && session.answerLength() > 0)) {
                continue; // the session was written after this record: nothing was lost
            }
            session.lastCcRequestNumber(e.ccRequestNumber);
            session.lastRequestType(type);
            session.answerLength(0);
            // When the request was charged: the last activity feeds how long the engine was down (ChargingProcessor).
            session.lastActivityMs(e.tsMs);
            int slot = e.ratingGroup >= 0 ? session.findSlot(e.ratingGroup) : -1;
            if (slot >= 0) {
                session.removeSlot(slot);
            }
            if (type != Enumerations.UPDATE_REQUEST) {
                while (session.slotCount() > 0) {
                    session.removeSlot(0);
                }
            }
            session.expiresAtMs(Math.max(session.expiresAtMs(), nowMs + graceMs));
            sessions.write(session);
            changed++;
        }
        return changed;
    }

    private static int requestType(CdrKind kind) {
        switch (kind) {
            case SESSION_INTERIM:
                return Enumerations.UPDATE_REQUEST;
            case SESSION_END:
                return Enumerations.TERMINATION_REQUEST;
            case EVENT:
            case REFUND:
                return Enumerations.EVENT_REQUEST;
            default:
                return -1;
        }
    }
}
