package io.gyro.diameter.dictionary;

/** SMI network management private enterprise codes used as Vendor-Id. */
public final class VendorId {
    private VendorId() {
    }

    public static final int IETF = 0;
    public static final int TGPP = 10415;
}
