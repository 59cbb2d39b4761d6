using System.Net;
using Microsoft.AspNetCore.Http;
using Multiplexer.Host.Proxy;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Tests.Proxy;

/// <summary>What the worker receives from a forwarded request, and what the client receives of the worker's answer.</summary>
public sealed class TransparentTransformerSpecs
{
    private const string Worker = "http://127.0.0.1:10300";

    private static readonly ForwarderRequestConfig Config = new()
    {
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    [Theory]
    [InlineData("/a/../b/./c")]
    [InlineData("/%2e%2E/x%2Fy?q=%20a+b&r=%zz")]
    [InlineData("/caf%C3%A9//double//slash?")]
    [InlineData("/?x=1&x=2&x")]
    public async Task Should_send_the_target_to_the_worker_byte_for_byte(string target)
    {
        var worker = Answering();

        await ForwardAsync(Requests.Make("GET", target), worker);

        Assert.Equal(Worker + target, Received(worker).RequestUri!.OriginalString);
    }

    [Theory]
    [InlineData("http://example.com/x/../y?q=%41", "/x/../y?q=%41")]
    [InlineData("http://example.com?q=1", "/?q=1")]
    [InlineData("http://example.com", "/")]
    public async Task Should_send_the_path_and_query_of_an_absolute_form_target(string target, string sent)
    {
        var worker = Answering();

        await ForwardAsync(Requests.Make("GET", target), worker);

        Assert.Equal(Worker + sent, Received(worker).RequestUri!.OriginalString);
    }

    [Fact]
    public async Task Should_keep_the_clients_host_header_and_add_no_forwarding_headers()
    {
        var worker = Answering();

        await ForwardAsync(Requests.Make("GET", "/", ("Host", "shop.example:8080"), ("Cookie", "a=1")), worker);

        var request = Received(worker);
        Assert.Equal("shop.example:8080", request.Headers.Host);
        Assert.Equal("a=1", Assert.Single(request.Headers.GetValues("Cookie")));
        Assert.DoesNotContain(request.Headers, h => h.Key.StartsWith("X-Forwarded", StringComparison.OrdinalIgnoreCase) || h.Key == "Forwarded");
    }

    [Fact]
    public async Task Should_drop_hop_by_hop_headers_and_those_the_connection_header_names()
    {
        var worker = Answering();
        var context = Requests.Make("GET", "/",
            ("Connection", "keep-alive, X-Hop"), ("Keep-Alive", "timeout=5"), ("X-Hop", "secret"), ("TE", "trailers"),
            ("Proxy-Connection", "keep-alive"), ("X-End-To-End", "kept"));

        await ForwardAsync(context, worker);

        var names = Received(worker).Headers.Select(h => h.Key).ToList();
        Assert.Equal(["X-End-To-End"], names.Where(n => n != "Host"));
    }

    [Fact]
    public async Task Should_drop_the_headers_a_workers_connection_header_names_from_its_answer()
    {
        var worker = Answering(response =>
        {
            response.Headers.Connection.Add("X-Internal");
            response.Headers.Add("X-Internal", "worker detail");
            response.Headers.Add("X-Request-Id", "42");
        });
        var context = Requests.Make("GET", "/");

        await ForwardAsync(context, worker);

        Assert.False(context.Response.Headers.ContainsKey("X-Internal"));
        Assert.Equal("42", context.Response.Headers["X-Request-Id"]);
    }

    [Theory]
    [InlineData("text/event-stream", null)]
    [InlineData("text/plain", "no")]
    public async Task Should_let_a_response_that_is_a_stream_by_nature_bypass_the_response_spool(string contentType, string? accelBuffering)
    {
        var worker = Answering(response =>
        {
            response.Content.Headers.ContentType = new(contentType);
            if (accelBuffering is not null)
            {
                response.Headers.Add("X-Accel-Buffering", accelBuffering);
            }
        });
        var context = Requests.Make("GET", "/events");
        var client = (MemoryStream)context.Response.Body;
        var spool = ResponseSpool.Install(context, memoryLimit: 1024);

        await ForwardAsync(context, worker);
        var bodyAfterForward = context.Response.Body;
        await spool.SendRestAsync();

        Assert.Same(client, bodyAfterForward);
        Assert.Null(context.Features.Get<ResponseSpool>());
        Assert.Equal("data", System.Text.Encoding.UTF8.GetString(client.ToArray()));
    }

    [Fact]
    public async Task Should_send_an_ordinary_response_through_the_response_spool_as_it_is_written()
    {
        var context = Requests.Make("GET", "/page");
        var client = (MemoryStream)context.Response.Body;
        var spool = ResponseSpool.Install(context, memoryLimit: 1024);

        await ForwardAsync(context, Answering());
        var bodyAfterForward = context.Response.Body;
        var sentByForwarder = System.Text.Encoding.UTF8.GetString(client.ToArray());
        await spool.SendRestAsync();

        Assert.Same(spool, bodyAfterForward);
        Assert.Equal("data", sentByForwarder);
        Assert.Equal("data", System.Text.Encoding.UTF8.GetString(client.ToArray()));
    }

    private static FakeWorker Answering(Action<HttpResponseMessage>? shape = null) => FakeWorker.Answering(() =>
    {
        var response = new HttpResponseMessage { Content = new StringContent("data") };
        shape?.Invoke(response);
        return response;
    });

    private static HttpRequestMessage Received(FakeWorker worker) => Assert.Single(worker.Received);

    private static async Task ForwardAsync(HttpContext context, FakeWorker worker)
    {
        var error = await Forwarders.Create().SendAsync(context, Worker, worker.Invoker, Config, TransparentTransformer.Instance);
        Assert.Equal(ForwarderError.None, error);
    }
}
