using Multiplexer.Actors.Pool;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Proxy;

/// <summary>What a forward's result says about the worker, for its check-in. The client's status is the forwarder's (502, 504).</summary>
internal static class ForwardOutcome
{
    public static CheckinOutcome Of(ForwarderError error, bool clientAborted) => error switch
    {
        ForwarderError.None => CheckinOutcome.Completed,
        ForwarderError.RequestTimedOut => CheckinOutcome.TimedOut,
        // Cancelled with the client still there: proxy-timeout ran out while the worker was sending its body.
        ForwarderError.ResponseBodyCanceled or ForwarderError.RequestCanceled when !clientAborted => CheckinOutcome.TimedOut,
        ForwarderError.Request or ForwarderError.ResponseHeaders or ForwarderError.ResponseBodyDestination or ForwarderError.RequestBodyDestination
            => CheckinOutcome.ConnectionFailed,
        // The client's side failed (it went away, its body broke off): nothing wrong with the worker.
        _ => CheckinOutcome.Completed,
    };
}
