using Akka.TestKit;
using Microsoft.AspNetCore.Http;
using Multiplexer.Actors.Pool;
using Multiplexer.Host.Hosting;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.Host.Tests.Proxy;

/// <summary>One request through the endpoint, as the client sees it and as the pool is told.</summary>
public sealed class ProxyEndpointSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _pool;

    public ProxyEndpointSpecs() => _pool = CreateTestProbe();

    [Fact]
    public async Task Should_refuse_a_transfer_coding_other_than_chunked_with_501_and_close_without_taking_a_worker()
    {
        var worker = FakeWorker.Answering(() => new HttpResponseMessage());
        var context = Requests.Make("POST", "/upload", ("Transfer-Encoding", "gzip, chunked"));

        await Endpoint(worker).HandleAsync(context);

        Assert.Equal(StatusCodes.Status501NotImplemented, context.Response.StatusCode);
        Assert.Equal("501 Not Implemented: unsupported transfer coding: gzip, chunked\n", context.ResponseText());
        Assert.Equal("close", context.Response.Headers.Connection);
        Assert.False(_pool.HasMessages);
        Assert.Empty(worker.Received);
    }

    [Fact]
    public async Task Should_refuse_a_control_character_in_a_header_with_400_without_taking_a_worker()
    {
        var worker = FakeWorker.Answering(() => new HttpResponseMessage());
        var context = Requests.Make("GET", "/", ("X-Note", "a\u001bb"));

        await Endpoint(worker).HandleAsync(context);

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal("400 Bad Request: control character in header X-Note\n", context.ResponseText());
        Assert.False(_pool.HasMessages);
    }

    [Fact]
    public async Task Should_forward_to_the_leased_workers_port_and_check_it_in_as_completed()
    {
        var worker = FakeWorker.Answering(() => new HttpResponseMessage { Content = new StringContent("hello") });
        var context = Requests.Make("GET", "/greet?name=x");

        var handled = Endpoint(worker).HandleAsync(context);
        var lease = await LendAsync(workerId: 3, port: 10303);
        await handled;

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("hello", context.ResponseText());
        Assert.Equal("http://127.0.0.1:10303/greet?name=x", Assert.Single(worker.Received).RequestUri!.OriginalString);
        Assert.Equal((lease, CheckinOutcome.Completed), await CheckedInAsync());
    }

    [Fact]
    public async Task Should_tell_the_pool_the_requests_method_and_target_and_check_in_its_status_and_time_on_the_worker()
    {
        var worker = FakeWorker.Answering(() => new HttpResponseMessage(System.Net.HttpStatusCode.NotFound) { Content = new StringContent("no") });
        var context = Requests.Make("DELETE", "/orders/7?force=1");

        var handled = Endpoint(worker).HandleAsync(context);
        var checkout = await _pool.ExpectMsgAsync<Checkout>();
        Assert.Equal(("DELETE", "/orders/7?force=1"), (checkout.Method, checkout.Target));
        var lease = new WorkerLease(1, 10300, LeaseId: 100);
        Assert.True(checkout.Reply.TrySetResult(lease));
        await handled;

        var checkin = await _pool.ExpectMsgAsync<Checkin>();
        Assert.Equal((lease, CheckinOutcome.Completed, 404), (checkin.Lease, checkin.Outcome, checkin.Status));
        Assert.InRange(checkin.WorkerTime, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Should_answer_502_and_have_the_worker_checked_when_it_breaks_off_its_answer()
    {
        var worker = FakeWorker.Failing(new HttpRequestException(HttpRequestError.ResponseEnded, "the worker closed the connection"));
        var context = Requests.Make("GET", "/");

        var handled = Endpoint(worker).HandleAsync(context);
        var lease = await LendAsync(workerId: 1, port: 10300);
        await handled;

        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
        Assert.Equal((lease, CheckinOutcome.ConnectionFailed), await CheckedInAsync());
    }

    [Fact]
    public async Task Should_send_the_request_to_another_worker_when_the_first_refuses_the_connection()
    {
        var refused = true;
        var worker = new FakeWorker((_, _) =>
        {
            if (refused)
            {
                refused = false;
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
            }
            return Task.FromResult(new HttpResponseMessage { Content = new StringContent("from the second") });
        });
        var context = Requests.Make("POST", "/orders").WithBody("{\"id\":1}");

        var handled = Endpoint(worker).HandleAsync(context);
        var first = await LendAsync(workerId: 1, port: 10300);
        Assert.Equal((first, CheckinOutcome.ConnectionFailed), await CheckedInAsync());
        var second = await LendAsync(workerId: 2, port: 10301);
        await handled;

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("from the second", context.ResponseText());
        Assert.Equal("{\"id\":1}", await worker.Received[1].Content!.ReadAsStringAsync());
        Assert.Equal((second, CheckinOutcome.Completed), await CheckedInAsync());
    }

    [Fact]
    public async Task Should_answer_504_and_have_the_worker_replaced_when_it_does_not_answer_within_proxy_timeout()
    {
        var context = Requests.Make("GET", "/slow");

        var handled = Endpoint(FakeWorker.Silent(), "multiplexer.http.proxy-timeout = 100ms").HandleAsync(context);
        var lease = await LendAsync(workerId: 1, port: 10300);
        await handled;

        Assert.Equal(StatusCodes.Status504GatewayTimeout, context.Response.StatusCode);
        Assert.Equal((lease, CheckinOutcome.TimedOut), await CheckedInAsync());
    }

    [Fact]
    public async Task Should_give_the_worker_back_as_completed_when_the_client_goes_away_mid_request()
    {
        using var client = new CancellationTokenSource();
        var worker = new FakeWorker(async (_, cancellationToken) =>
        {
            await client.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });
        var context = Requests.Make("GET", "/");
        context.RequestAborted = client.Token;

        var handled = Endpoint(worker).HandleAsync(context);
        var lease = await LendAsync(workerId: 1, port: 10300);
        await handled;

        Assert.Equal((lease, CheckinOutcome.Completed), await CheckedInAsync());
    }

    [Fact]
    public async Task Should_answer_503_with_retry_after_when_the_pool_times_the_checkout_out()
    {
        var context = Requests.Make("GET", "/");

        var handled = Endpoint(FakeWorker.Silent()).HandleAsync(context);
        (await _pool.ExpectMsgAsync<Checkout>()).Reply.SetException(
            new CheckoutRejectedException(CheckoutRejection.TimedOut, "no worker became free within checkout-timeout 0.1s"));
        await handled;

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter);
        Assert.Equal("503 Service Unavailable: no worker became free within checkout-timeout 0.1s\n", context.ResponseText());
    }

    [Fact]
    public async Task Should_answer_503_with_the_pools_reason_when_it_rejects_the_checkout()
    {
        var context = Requests.Make("GET", "/");

        var handled = Endpoint(FakeWorker.Silent()).HandleAsync(context);
        (await _pool.ExpectMsgAsync<Checkout>()).Reply.SetException(
            new CheckoutRejectedException(CheckoutRejection.QueueFull, "max-waiting 1 requests are already waiting"));
        await handled;

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("503 Service Unavailable: max-waiting 1 requests are already waiting\n", context.ResponseText());
    }

    private Multiplexer.Host.Proxy.ProxyEndpoint Endpoint(FakeWorker worker, string extra = "") =>
        ProxyEndpoints.Create(_pool, worker, new LiveSettings(TestSettings.Parse(extra)));

    /// <summary>Plays the pool's part of a checkout: the next request waiting gets this worker.</summary>
    private async Task<(WorkerLease Lease, CheckinOutcome Outcome)> CheckedInAsync()
    {
        var checkin = await _pool.ExpectMsgAsync<Checkin>();
        return (checkin.Lease, checkin.Outcome);
    }

    private async Task<WorkerLease> LendAsync(int workerId, int port)
    {
        var checkout = await _pool.ExpectMsgAsync<Checkout>();
        var lease = new WorkerLease(workerId, port, LeaseId: workerId * 100);
        Assert.True(checkout.Reply.TrySetResult(lease));
        return lease;
    }
}
