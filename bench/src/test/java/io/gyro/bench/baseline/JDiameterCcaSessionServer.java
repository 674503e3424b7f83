package io.gyro.bench.baseline;

import io.gyro.diameter.dictionary.ResultCode;
import org.jdiameter.api.Answer;
import org.jdiameter.api.Network;
import org.jdiameter.api.NetworkReqListener;
import org.jdiameter.api.Request;
import org.jdiameter.api.Stack;
import org.jdiameter.api.app.AppAnswerEvent;
import org.jdiameter.api.app.AppRequestEvent;
import org.jdiameter.api.app.AppSession;
import org.jdiameter.api.auth.events.ReAuthAnswer;
import org.jdiameter.api.auth.events.ReAuthRequest;
import org.jdiameter.api.cca.ServerCCASession;
import org.jdiameter.api.cca.ServerCCASessionListener;
import org.jdiameter.api.cca.events.JCreditControlRequest;
import org.jdiameter.client.api.ISessionFactory;
import org.jdiameter.common.impl.app.cca.CCASessionFactoryImpl;
import org.jdiameter.common.impl.app.cca.JCreditControlAnswerImpl;

/**
 * Baseline (b2) of issue 5: what a jDiameter-based OCS does. The stack's session factory has
 * jDiameter's Credit-Control application registered ({@link CCASessionFactoryImpl}); a request
 * with a new Session-Id reaches the network listener, which creates a {@link ServerCCASession}
 * for it and hands the request over; later requests of that session go to the session itself
 * (jDiameter's RFC 4006 server state machine, Tcc supervision timer, session store), and the
 * session ends (is released) after the CCR-T or the event. The application listener grants
 * everything: 2001 with a Granted-Service-Unit per requested MSCC, no balance.
 */
final class JDiameterCcaSessionServer extends JDiameterBaselineServer implements ServerCCASessionListener {
    private ISessionFactory sessions;

    JDiameterCcaSessionServer(int port) {
        super(port);
    }

    @Override
    String label() {
        return "jdiameter-cca-session";
    }

    @Override
    void register(Stack stack) throws Exception {
        sessions = (ISessionFactory) stack.getSessionFactory();
        CCASessionFactoryImpl cca = new CCASessionFactoryImpl(sessions);
        cca.setServerSessionListener(this);
        sessions.registerAppFacory(ServerCCASession.class, cca);
        stack.unwrap(Network.class).addNetworkReqListener(this::newSession, CREDIT_CONTROL);
    }

    /** A request whose Session-Id has no application session yet: create one and let it process the request. */
    private Answer newSession(Request request) {
        try {
            ServerCCASession session = sessions.getNewAppSession(request.getSessionId(), CREDIT_CONTROL,
                    ServerCCASession.class, (Object) null);
            return ((NetworkReqListener) session).processRequest(request);
        } catch (Throwable t) {
            recordError(t);
            return request.createAnswer(ResultCode.DIAMETER_UNABLE_TO_COMPLY);
        }
    }

    @Override
    public void doCreditControlRequest(ServerCCASession session, JCreditControlRequest request) {
        try {
            Request message = (Request) request.getMessage();
            JCreditControlAnswerImpl answer = new JCreditControlAnswerImpl(message, ResultCode.DIAMETER_SUCCESS);
            grant(message, answer.getMessage());
            session.sendCreditControlAnswer(answer);
        } catch (Throwable t) {
            recordError(t);
            try {
                session.sendCreditControlAnswer(new JCreditControlAnswerImpl((Request) request.getMessage(),
                        ResultCode.DIAMETER_UNABLE_TO_COMPLY));
            } catch (Exception ignored) {
                // the load generator counts the request as unanswered
            }
        }
    }

    @Override
    public void doReAuthAnswer(ServerCCASession session, ReAuthRequest request, ReAuthAnswer answer) {
        // never sent
    }

    @Override
    public void doOtherEvent(AppSession session, AppRequestEvent request, AppAnswerEvent answer) {
        recordError(new IllegalStateException("unexpected event " + request));
    }
}
