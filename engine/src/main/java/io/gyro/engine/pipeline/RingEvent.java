package io.gyro.engine.pipeline;

import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.api.AnswerSink;
import io.gyro.rating.tariff.RatType;

/**
 * One slot of the Disruptor ring, pre-allocated and reused: either a Credit-Control-Request
 * copied out of its frame by the event loop (a few primitives and three short byte strings),
 * an admin task from the HTTP API, or a timer tick. The charging processor is the only reader;
 * it clears the references when done so nothing is kept alive by the ring.
 */
public final class RingEvent {
    public enum Kind { NONE, CCR, ADMIN, TICK }

    public static final int MAX_SESSION_ID = 256;
    public static final int MAX_CONTEXT_ID = 64;
    public static final int MAX_CALLED = 32;
    /** An APN's network identifier is at most 63 octets (TS 23.003 §9.1); the operator part may follow. */
    public static final int MAX_APN = 100;

    public Kind kind = Kind.NONE;
    /**
     * When this input entered the engine (epoch ms), stamped by its publisher: the event loop for a CCR, the HTTP
     * thread for an admin task, the ticker for a tick. The charging core's only clock (ARCHITECTURE.md, "The core is
     * a deterministic state machine"): it never reads one itself, so the same inputs give the same state and answers.
     */
    public long timeMs;
    /** For the engine latency histogram only (System.nanoTime at decode); never read by the charging logic. */
    public long receivedNanos;

    // --- CCR
    public AnswerSink peer;
    public int hopByHop;
    public int endToEnd;
    public boolean retransmitted;
    public final byte[] sessionId = new byte[MAX_SESSION_ID];
    public int sessionIdLength;
    public final byte[] serviceContextId = new byte[MAX_CONTEXT_ID];
    public int serviceContextIdLength;
    public final byte[] called = new byte[MAX_CALLED];
    public int calledLength;
    public int ccRequestType;
    public long ccRequestNumber;
    public int requestedAction;
    public long msisdn;
    public long imsi;
    /** 3GPP-SGSN-MCC-MNC, else the PLMN of 3GPP-User-Location-Info, else -1 (home). */
    public int visitedMccMnc;
    /** Called-Station-Id (APN), for APN-specific services of the catalogue. */
    public final byte[] apn = new byte[MAX_APN];
    public int apnLength;
    /** RAT-Type as TS 29.212 numbers it (from RAT-Type, else from 3GPP-RAT-Type), or -1. */
    public int ratType;
    /**
     * Role-of-Node of IMS-Information (TS 32.299: 0 originating, 1 terminating, 2 forwarding), or -1: picks the
     * catalogue's role-specific services (an incoming call).
     */
    public int roleOfNode;
    public long eventTimestampMs;
    public int msccCount;
    public boolean singleService;
    public final long[] ratingGroup = new long[CreditControlRequest.MAX_MSCC];
    public final long[] serviceIdentifier = new long[CreditControlRequest.MAX_MSCC];
    public final boolean[] rsuPresent = new boolean[CreditControlRequest.MAX_MSCC];
    public final long[] rsuUnits = new long[CreditControlRequest.MAX_MSCC];
    public final boolean[] usuPresent = new boolean[CreditControlRequest.MAX_MSCC];
    public final long[] usuOctets = new long[CreditControlRequest.MAX_MSCC];
    public final long[] usuTime = new long[CreditControlRequest.MAX_MSCC];
    public final long[] usuEvents = new long[CreditControlRequest.MAX_MSCC];
    public final long[] rsuOctets = new long[CreditControlRequest.MAX_MSCC];
    public final long[] rsuTime = new long[CreditControlRequest.MAX_MSCC];
    public final long[] rsuEvents = new long[CreditControlRequest.MAX_MSCC];
    public final int[] reportingReason = new int[CreditControlRequest.MAX_MSCC];
    /** Of the used units, those reported after the grant's Tariff-Time-Change (Tariff-Change-Usage). */
    public final long[] usuAfterChangeOctets = new long[CreditControlRequest.MAX_MSCC];
    public final long[] usuAfterChangeTime = new long[CreditControlRequest.MAX_MSCC];
    public final long[] usuAfterChangeEvents = new long[CreditControlRequest.MAX_MSCC];

    // --- ADMIN (and a TICK someone waits for: completed once the tick is processed)
    public AdminTask admin;

    /** Copies what the processor needs from a decoded CCR (event-loop thread), stamped with {@code timeMs}. */
    public void copyFrom(AnswerSink peer, CreditControlRequest r, long timeMs) {
        this.kind = Kind.CCR;
        this.timeMs = timeMs;
        this.receivedNanos = System.nanoTime();
        this.peer = peer;
        this.hopByHop = r.hopByHop;
        this.endToEnd = r.endToEnd;
        this.retransmitted = r.retransmitted;
        this.sessionIdLength = Math.min(r.sessionIdLength, MAX_SESSION_ID);
        r.frame.getBytes(r.sessionIdOffset, sessionId, 0, sessionIdLength);
        this.serviceContextIdLength = Math.min(r.serviceContextIdLength, MAX_CONTEXT_ID);
        r.frame.getBytes(r.serviceContextIdOffset, serviceContextId, 0, serviceContextIdLength);
        if (r.calledPartyInternational && r.calledPartyLength < MAX_CALLED) {
            // An MSISDN-typed SMS recipient is in international form: rate it as written with '+'.
            called[0] = '+';
            this.calledLength = r.calledPartyLength + 1;
            r.frame.getBytes(r.calledPartyOffset, called, 1, r.calledPartyLength);
        } else {
            this.calledLength = Math.min(r.calledPartyLength, MAX_CALLED);
            r.frame.getBytes(r.calledPartyOffset, called, 0, calledLength);
        }
        this.ccRequestType = r.ccRequestType;
        this.ccRequestNumber = r.ccRequestNumber;
        this.requestedAction = r.requestedAction;
        this.msisdn = r.msisdn;
        this.imsi = r.imsi;
        this.visitedMccMnc = r.visitedMccMnc();
        this.apnLength = Math.min(r.calledStationIdLength, MAX_APN);
        r.frame.getBytes(r.calledStationIdOffset, apn, 0, apnLength);
        this.ratType = r.ratType >= 0 ? r.ratType : RatType.fromTs29061(r.tgppRatType);
        this.roleOfNode = r.roleOfNode;
        this.eventTimestampMs = r.eventTimestampMs;
        this.msccCount = r.msccCount;
        this.singleService = r.singleService;
        for (int i = 0; i < r.msccCount; i++) {
            ratingGroup[i] = r.ratingGroup[i];
            serviceIdentifier[i] = r.serviceIdentifier[i];
            rsuPresent[i] = r.rsuPresent[i];
            rsuOctets[i] = r.rsuTotalOctets[i];
            rsuTime[i] = r.rsuTime[i];
            rsuEvents[i] = r.rsuServiceSpecificUnits[i];
            usuPresent[i] = r.usuPresent[i];
            usuOctets[i] = r.usuTotalOctets[i];
            usuTime[i] = r.usuTime[i];
            usuEvents[i] = r.usuServiceSpecificUnits[i];
            reportingReason[i] = r.reportingReason[i];
            usuAfterChangeOctets[i] = r.usuAfterChangeTotalOctets[i];
            usuAfterChangeTime[i] = r.usuAfterChangeTime[i];
            usuAfterChangeEvents[i] = r.usuAfterChangeServiceSpecificUnits[i];
        }
        this.admin = null;
    }

    /** The last stage's cleanup: drop references so the ring keeps nothing alive. */
    public void clear() {
        kind = Kind.NONE;
        peer = null;
        admin = null;
    }
}
