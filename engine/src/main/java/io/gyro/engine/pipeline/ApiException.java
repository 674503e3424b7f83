package io.gyro.engine.pipeline;

/** An expected refusal of an admin request, carried to the HTTP layer as a status and a message. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    /** The engine cannot answer now (503), e.g. the CDR export is behind; the caller may retry. */
    public static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }
}
