package io.gyro.engine.store;

/**
 * Reusable, mutable view of one subscriber: identities, account, package and add-ons, state and the
 * package period. Package ids are short ASCII strings held in byte arrays so that reading a subscriber
 * on the request path allocates nothing; {@link #packageIdTo(StringBuilder)} and
 * {@link #packageIdEquals(CharSequence)} work without a {@code String}. Not thread-safe: owned by the
 * charging processor thread (or by the API code that builds a new subscriber before it is queued).
 */
public final class Subscriber {
    public static final int MAX_PACKAGE_ID_LENGTH = 32;
    public static final int MAX_ADD_ONS = 4;

    long msisdn;
    long imsi;
    long accountId;
    SubscriberState state = SubscriberState.ACTIVE;
    boolean realNameVerified;
    final byte[] packageId = new byte[MAX_PACKAGE_ID_LENGTH];
    int packageIdLength;
    int addOnCount;
    final byte[][] addOnIds = new byte[MAX_ADD_ONS][MAX_PACKAGE_ID_LENGTH];
    final int[] addOnLengths = new int[MAX_ADD_ONS];
    long subscriptionStartMs;
    long periodStartMs;
    long nextRenewalMs;
    long createdMs;
    long promotionsUsedMask;

    /** Resets every field (state becomes ACTIVE). */
    public Subscriber clear() {
        msisdn = 0;
        imsi = 0;
        accountId = 0;
        state = SubscriberState.ACTIVE;
        realNameVerified = false;
        packageIdLength = 0;
        addOnCount = 0;
        subscriptionStartMs = 0;
        periodStartMs = 0;
        nextRenewalMs = 0;
        createdMs = 0;
        promotionsUsedMask = 0;
        return this;
    }

    public long msisdn() { return msisdn; }
    public Subscriber msisdn(long v) { msisdn = v; return this; }
    public long imsi() { return imsi; }
    public Subscriber imsi(long v) { imsi = v; return this; }
    public long accountId() { return accountId; }
    public Subscriber accountId(long v) { accountId = v; return this; }
    public SubscriberState state() { return state; }
    public Subscriber state(SubscriberState v) { state = v; return this; }
    public boolean realNameVerified() { return realNameVerified; }
    public Subscriber realNameVerified(boolean v) { realNameVerified = v; return this; }
    public long subscriptionStartMs() { return subscriptionStartMs; }
    public Subscriber subscriptionStartMs(long v) { subscriptionStartMs = v; return this; }
    public long periodStartMs() { return periodStartMs; }
    public Subscriber periodStartMs(long v) { periodStartMs = v; return this; }
    public long nextRenewalMs() { return nextRenewalMs; }
    public Subscriber nextRenewalMs(long v) { nextRenewalMs = v; return this; }
    public long createdMs() { return createdMs; }
    public Subscriber createdMs(long v) { createdMs = v; return this; }
    /** Promotions this subscriber has used, bit i for the catalogue's promotion i (each applies once). */
    public long promotionsUsedMask() { return promotionsUsedMask; }
    public Subscriber promotionsUsedMask(long v) { promotionsUsedMask = v; return this; }

    /** True when {@code id} is 1..32 printable ASCII characters (what a package id may be). */
    public static boolean isValidPackageId(CharSequence id) {
        if (id == null || id.length() == 0 || id.length() > MAX_PACKAGE_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** @throws IllegalArgumentException unless {@link #isValidPackageId} (callers validate input first) */
    public Subscriber packageId(CharSequence id) {
        packageIdLength = copyAscii(id, packageId);
        return this;
    }

    public int packageIdLength() { return packageIdLength; }

    /** Appends the package id to {@code sb} (no allocation once {@code sb} has room). */
    public StringBuilder packageIdTo(StringBuilder sb) {
        return appendAscii(packageId, packageIdLength, sb);
    }

    public boolean packageIdEquals(CharSequence id) {
        return asciiEquals(packageId, packageIdLength, id);
    }

    /** The package id as a String; allocates, for the HTTP API and logs. */
    public String packageId() {
        return new String(packageId, 0, packageIdLength, java.nio.charset.StandardCharsets.US_ASCII);
    }

    public int addOnCount() { return addOnCount; }

    /**
     * Adds an add-on package id.
     *
     * @return false when {@value #MAX_ADD_ONS} add-ons are already present
     * @throws IllegalArgumentException unless {@link #isValidPackageId}
     */
    public boolean addAddOn(CharSequence id) {
        if (addOnCount == MAX_ADD_ONS) {
            return false;
        }
        addOnLengths[addOnCount] = copyAscii(id, addOnIds[addOnCount]);
        addOnCount++;
        return true;
    }

    public void removeAddOn(int i) {
        checkAddOn(i);
        for (int j = i; j < addOnCount - 1; j++) {
            System.arraycopy(addOnIds[j + 1], 0, addOnIds[j], 0, MAX_PACKAGE_ID_LENGTH);
            addOnLengths[j] = addOnLengths[j + 1];
        }
        addOnCount--;
    }

    public void clearAddOns() {
        addOnCount = 0;
    }

    public StringBuilder addOnTo(int i, StringBuilder sb) {
        checkAddOn(i);
        return appendAscii(addOnIds[i], addOnLengths[i], sb);
    }

    public boolean addOnEquals(int i, CharSequence id) {
        checkAddOn(i);
        return asciiEquals(addOnIds[i], addOnLengths[i], id);
    }

    /** The add-on id as a String; allocates. */
    public String addOn(int i) {
        checkAddOn(i);
        return new String(addOnIds[i], 0, addOnLengths[i], java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Copies the state of {@code o}: every field, the package id's bytes and the add-ons in use (bytes past an
     * id's length, and add-on slots past {@link #addOnCount()}, keep whatever they held; nothing reads them).
     */
    public Subscriber copyFrom(Subscriber o) {
        msisdn = o.msisdn;
        imsi = o.imsi;
        accountId = o.accountId;
        state = o.state;
        realNameVerified = o.realNameVerified;
        // Loops over the bytes in use: five System.arraycopy calls of 32 bytes each cost more (stub calls), and a
        // read-cache hit makes this copy on every request.
        packageIdLength = copyBytes(o.packageId, packageId, o.packageIdLength);
        int n = o.addOnCount;
        addOnCount = n;
        for (int i = 0; i < n; i++) {
            addOnLengths[i] = copyBytes(o.addOnIds[i], addOnIds[i], o.addOnLengths[i]);
        }
        subscriptionStartMs = o.subscriptionStartMs;
        periodStartMs = o.periodStartMs;
        nextRenewalMs = o.nextRenewalMs;
        createdMs = o.createdMs;
        promotionsUsedMask = o.promotionsUsedMask;
        return this;
    }

    private static int copyBytes(byte[] from, byte[] to, int length) {
        for (int i = 0; i < length; i++) {
            to[i] = from[i];
        }
        return length;
    }

    private void checkAddOn(int i) {
        if (i < 0 || i >= addOnCount) {
            throw new IndexOutOfBoundsException("add-on index " + i + " of " + addOnCount);
        }
    }

    private static int copyAscii(CharSequence id, byte[] into) {
        if (!isValidPackageId(id)) {
            throw new IllegalArgumentException("package id must be 1.." + MAX_PACKAGE_ID_LENGTH
                    + " printable ASCII characters: " + id);
        }
        int n = id.length();
        for (int i = 0; i < n; i++) {
            into[i] = (byte) id.charAt(i);
        }
        return n;
    }

    private static StringBuilder appendAscii(byte[] b, int len, StringBuilder sb) {
        for (int i = 0; i < len; i++) {
            sb.append((char) b[i]);
        }
        return sb;
    }

    private static boolean asciiEquals(byte[] b, int len, CharSequence id) {
        if (id.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (id.charAt(i) != (char) b[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(160).append("Subscriber{msisdn=").append(msisdn)
                .append(", imsi=").append(imsi).append(", accountId=").append(accountId)
                .append(", state=").append(state).append(", realNameVerified=").append(realNameVerified)
                .append(", package=");
        packageIdTo(sb).append(", addOns=[");
        for (int i = 0; i < addOnCount; i++) {
            addOnTo(i, sb.append(i == 0 ? "" : ","));
        }
        return sb.append("], subscriptionStartMs=").append(subscriptionStartMs)
                .append(", periodStartMs=").append(periodStartMs).append(", nextRenewalMs=").append(nextRenewalMs)
                .append(", createdMs=").append(createdMs).append('}').toString();
    }
}
