using Multiplexer.Actors.Pool;
using Multiplexer.Host.Proxy;
using Xunit;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Tests.Proxy;

/// <summary>What the pool is told about a worker after each way a forward can end.</summary>
public sealed class ForwardOutcomeSpecs
{
    [Theory]
    [InlineData(ForwarderError.None, false, CheckinOutcome.Completed)]
    [InlineData(ForwarderError.RequestTimedOut, false, CheckinOutcome.TimedOut)]
    [InlineData(ForwarderError.ResponseBodyCanceled, false, CheckinOutcome.TimedOut)]
    [InlineData(ForwarderError.RequestCanceled, false, CheckinOutcome.TimedOut)]
    [InlineData(ForwarderError.Request, false, CheckinOutcome.ConnectionFailed)]
    [InlineData(ForwarderError.ResponseHeaders, false, CheckinOutcome.ConnectionFailed)]
    [InlineData(ForwarderError.ResponseBodyDestination, false, CheckinOutcome.ConnectionFailed)]
    [InlineData(ForwarderError.RequestBodyDestination, false, CheckinOutcome.ConnectionFailed)]
    [InlineData(ForwarderError.ResponseBodyCanceled, true, CheckinOutcome.Completed)]
    [InlineData(ForwarderError.RequestCanceled, true, CheckinOutcome.Completed)]
    [InlineData(ForwarderError.RequestBodyClient, true, CheckinOutcome.Completed)]
    [InlineData(ForwarderError.ResponseBodyClient, true, CheckinOutcome.Completed)]
    [InlineData(ForwarderError.RequestBodyCanceled, true, CheckinOutcome.Completed)]
    public void Should_check_the_worker_in_as_the_way_the_forward_ended_says(ForwarderError error, bool clientAborted, CheckinOutcome outcome)
    {
        Assert.Equal(outcome, ForwardOutcome.Of(error, clientAborted));
    }
}
