package io.gyro.engine.pipeline;

import java.util.concurrent.CompletableFuture;

/**
 * A unit of admin work (top-up, provisioning, a balance read) that must run on the charging
 * processor thread, the only writer of balances. The HTTP layer publishes it to the ring and
 * waits on {@link #result}.
 */
public abstract class AdminTask {
    public final CompletableFuture<Object> result = new CompletableFuture<>();
    /** Whether the last run ended in an {@link ApiException}: a refusal of the request as asked. */
    boolean refused;

    /** Runs on the processor thread; returns the response body object or throws an {@link ApiException}. */
    protected abstract Object run(ChargingState state) throws Exception;

    final void execute(ChargingState state) {
        refused = false;
        try {
            result.complete(run(state));
        } catch (Throwable t) {
            refused = t instanceof ApiException;
            result.completeExceptionally(t);
        }
    }
}
