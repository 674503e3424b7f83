package io.gyro.diameter.peer;

/** The remote peer answered our CER with a Result-Code other than DIAMETER_SUCCESS. */
public final class PeerRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    public final int resultCode;

    public PeerRejectedException(int resultCode) {
        super("capabilities exchange refused with Result-Code " + resultCode);
        this.resultCode = resultCode;
    }
}
