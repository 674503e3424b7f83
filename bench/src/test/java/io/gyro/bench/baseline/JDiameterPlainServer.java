package io.gyro.bench.baseline;

import io.gyro.diameter.dictionary.ResultCode;
import org.jdiameter.api.Answer;
import org.jdiameter.api.Network;
import org.jdiameter.api.Request;
import org.jdiameter.api.Stack;

/**
 * Baseline (b1) of issue 5: a jDiameter server stack with a plain {@code NetworkReqListener}
 * that answers every CCR 2001 with a Granted-Service-Unit per MSCC, no session state (no
 * application session, no timers): jDiameter's transport, parser and dispatch, nothing more.
 */
final class JDiameterPlainServer extends JDiameterBaselineServer {
    JDiameterPlainServer(int port) {
        super(port);
    }

    @Override
    String label() {
        return "jdiameter-plain";
    }

    @Override
    void register(Stack stack) throws Exception {
        stack.unwrap(Network.class).addNetworkReqListener(this::answer, CREDIT_CONTROL);
    }

    private Answer answer(Request request) {
        try {
            Answer answer = request.createAnswer(ResultCode.DIAMETER_SUCCESS);
            grant(request, answer);
            return answer;
        } catch (Throwable t) {
            recordError(t);
            return request.createAnswer(ResultCode.DIAMETER_UNABLE_TO_COMPLY);
        }
    }
}
