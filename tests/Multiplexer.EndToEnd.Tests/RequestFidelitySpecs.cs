using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>One multiplexer with one Node worker, shared by the fidelity specs: each only sends requests and reads what the worker saw.</summary>
public sealed class NodeHostFixture : IAsyncLifetime
{
    public MultiplexerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await MultiplexerHost.StartAsync(new HostConfig());

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The worker cannot tell it was proxied: what the client sent is what the worker gets, and what it answers is what the client gets.</summary>
public sealed class RequestFidelitySpecs(NodeHostFixture fixture, ITestOutputHelper output) : IClassFixture<NodeHostFixture>
{
    private static readonly string[] AddedByProxies =
        ["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Port", "Forwarded", "Via",
         "traceparent", "tracestate", "Request-Id", "Correlation-Context", "baggage"];

    private MultiplexerHost Host => fixture.Host;

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task Should_forward_each_method_unchanged(string method)
    {
        // arrange
        var body = method is "GET" or "OPTIONS" ? null : Encoding.UTF8.GetBytes($"a body sent with {method}");
        using var request = new HttpRequestMessage(new HttpMethod(method), "/echo/method");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        // act
        using var response = await Host.Client.SendAsync(request);
        var echo = await EchoReply.ReadAsync(response);

        // assert
        Assert.Equal(method, echo.Method);
        Assert.Equal("/echo/method", echo.Url);
        Assert.Equal(body?.Length ?? 0, echo.BodyLength);
        Assert.Equal(Bodies.Hex(SHA256.HashData(body ?? [])), echo.BodySha256);
    }

    [Fact]
    public async Task Should_answer_HEAD_with_the_workers_headers_and_no_body()
    {
        // arrange: the same request as GET first, to know the length of the body the worker would write
        const string Request = "{0} /echo/head HTTP/1.1\r\nHost: head.test\r\nX-Probe: 1\r\n\r\n";
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);
        await connection.SendAsync(string.Format(CultureInfo.InvariantCulture, Request, "GET"));
        var get = await connection.ReadResponseAsync();

        // act: HEAD, then another request on the same connection
        await connection.SendAsync(string.Format(CultureInfo.InvariantCulture, Request, "HEAD"));
        var head = await connection.ReadResponseAsync(headRequest: true);
        await connection.SendAsync("GET /echo/after-head HTTP/1.1\r\nHost: head.test\r\n\r\n");
        var after = await connection.ReadResponseAsync();

        // assert: the worker saw a HEAD (its JSON would say "HEAD", one byte longer than "GET"), no body bytes
        // followed the head (else the next response would not parse), and the connection still works.
        Assert.Equal(200, head.StatusCode);
        var expectedJson = get.BodyText.Replace("\"method\":\"GET\"", "\"method\":\"HEAD\"", StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(expectedJson), head.Head.ContentLength);
        Assert.Equal("application/json", head.Head.Value("Content-Type"));
        Assert.Equal(200, after.StatusCode);
        Assert.Equal("/echo/after-head", EchoReply.Parse(after.BodyText).Url);
    }

    [Theory]
    [InlineData("/echo/a%2Fb/../c/./d?x=%20&y=%2F&z")]
    [InlineData("/echo//double//slashes/")]
    [InlineData("/echo/%7e/%41%42?q=a+b&q=%2B&empty=&=")]
    [InlineData("/echo?")]
    public async Task Should_forward_the_raw_request_target_byte_for_byte(string target)
    {
        // arrange: a raw socket, so no client normalises the target
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);

        // act
        await connection.SendAsync($"GET {target} HTTP/1.1\r\nHost: target.test\r\nConnection: close\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        // assert
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(target, EchoReply.Parse(response.BodyText).Url);
    }

    [Theory]
    [InlineData("http://absolute.test/echo/a%2Fb/../c/./d?x=%20&y=%2F&z", "/echo/a%2Fb/../c/./d?x=%20&y=%2F&z")]
    [InlineData("http://absolute.test:8080/echo//x/%7e?", "/echo//x/%7e?")]
    public async Task Should_forward_an_absolute_form_target_as_its_path_and_query_byte_for_byte(string target, string expected)
    {
        // arrange: absolute-form (RFC 9112 3.2.2), which a server must accept; the worker gets the origin-form part
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);
        var authority = new Uri(target).GetComponents(UriComponents.HostAndPort, UriFormat.UriEscaped);

        // act
        await connection.SendAsync($"GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        // assert
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(expected, EchoReply.Parse(response.BodyText).Url);
    }

    [Fact(Skip = "The worker gets OPTIONS / instead: the forwarder (HttpClient) cannot send an asterisk-form target, " +
        "so the server-wide OPTIONS * becomes a request about the root resource.")]
    public async Task Should_forward_an_asterisk_form_OPTIONS_unchanged()
    {
        // arrange
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);

        // act
        await connection.SendAsync("OPTIONS * HTTP/1.1\r\nHost: asterisk.test\r\nConnection: close\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        // assert: the Node worker answers 404 "not found: *" to a target it has no route for; "/" would be 200
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("not found: *\n", response.BodyText);
    }

    [Fact]
    public async Task Should_forward_request_headers_unchanged_and_add_none()
    {
        // arrange
        (string Name, string Value)[] sent =
        [
            ("Host", "example.test:8080"),
            ("X-CuStOm-HeAdEr", "MiXeD case, kept"),
            ("Accept", "application/json; q=0.9, */*; q=0.1"),
            ("Accept-Encoding", "gzip, br"),
            ("User-Agent", "fidelity-spec/1.0 (raw socket)"),
            ("Cookie", "a=1; b=two"),
            ("Authorization", "Bearer abc.def"),
            ("Cache-Control", "no-cache"),
        ];
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);

        // act
        await connection.SendAsync("GET /echo/headers HTTP/1.1\r\n" + string.Concat(sent.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\r\n");
        var response = await connection.ReadResponseAsync();
        var echo = EchoReply.Parse(response.BodyText);
        output.WriteLine(string.Join('\n', echo.HeaderPairs));

        // assert: the same fields, names in the same case, values byte for byte, nothing added
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(Sorted(sent), Sorted(echo.HeaderPairs));
        Assert.DoesNotContain(echo.HeaderNames, name => AddedByProxies.Contains(name, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Should_pass_the_clients_own_trace_context_through_untouched()
    {
        // arrange
        const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/trace");
        request.Headers.TryAddWithoutValidation("traceparent", TraceParent);
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=opaque");

        // act
        using var response = await Host.Client.SendAsync(request);
        var echo = await EchoReply.ReadAsync(response);

        // assert: neither replaced by the proxy's own span nor duplicated
        Assert.Equal([TraceParent], echo.HeaderPairs.Where(h => h.Name == "traceparent").Select(h => h.Value));
        Assert.Equal(["vendor=opaque"], echo.HeaderPairs.Where(h => h.Name == "tracestate").Select(h => h.Value));
    }

    [Fact]
    public async Task Should_drop_hop_by_hop_headers_and_keep_end_to_end_ones()
    {
        // arrange
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);
        const string Request = "GET /echo/hop HTTP/1.1\r\n" +
            "Host: hop.test\r\n" +
            "Connection: keep-alive\r\n" +
            "Keep-Alive: timeout=5, max=100\r\n" +
            "Proxy-Connection: keep-alive\r\n" +
            "X-End: 2\r\n" +
            "\r\n";

        // act
        await connection.SendAsync(Request);
        var echo = EchoReply.Parse((await connection.ReadResponseAsync()).BodyText);
        output.WriteLine(string.Join('\n', echo.HeaderPairs));

        // assert
        AssertNotForwarded(echo, "Connection", "Keep-Alive", "Proxy-Connection");
        Assert.Contains(("X-End", "2"), echo.HeaderPairs);
        Assert.Contains(("Host", "hop.test"), echo.HeaderPairs);
    }

    [Theory]
    [InlineData("X-Hop")]
    [InlineData("X-Hop, X-Other")]
    [InlineData("x-other ,  X-HOP")]
    public async Task Should_drop_headers_the_client_names_in_Connection(string connectionHeader)
    {
        // arrange: naming a field in Connection makes it hop-by-hop (RFC 9110 7.6.1)
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);
        var request = "GET /echo/hop HTTP/1.1\r\n" +
            "Host: hop.test\r\n" +
            $"Connection: {connectionHeader}\r\n" +
            "X-Hop: 1\r\n" +
            "X-Other: 2\r\n" +
            "X-End: 3\r\n" +
            "\r\n";

        // act
        await connection.SendAsync(request);
        var echo = EchoReply.Parse((await connection.ReadResponseAsync()).BodyText);
        output.WriteLine(string.Join('\n', echo.HeaderPairs));

        // assert
        AssertNotForwarded(echo, "Connection", "X-Hop");
        Assert.Equal(connectionHeader.Contains("other", StringComparison.OrdinalIgnoreCase), !echo.HeaderNames.Contains("X-Other"));
        Assert.Contains(("X-End", "3"), echo.HeaderPairs);
    }

    [Fact(Skip = "Kestrel loses the token: when the only option it knows in Connection is keep-alive, close or upgrade, " +
        "HttpHeaders.ParseConnection replaces the whole value with that option (\"keep-alive, X-Hop\" becomes \"keep-alive\"), " +
        "so the proxy cannot see that X-Hop was named and forwards it. Needs a fix in Kestrel or a raw-header connection middleware.")]
    public async Task Should_drop_a_header_the_client_names_in_Connection_beside_keep_alive()
    {
        // arrange
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);
        const string Request = "GET /echo/hop HTTP/1.1\r\n" +
            "Host: hop.test\r\n" +
            "Connection: keep-alive, X-Hop\r\n" +
            "X-Hop: 1\r\n" +
            "X-End: 2\r\n" +
            "\r\n";

        // act
        await connection.SendAsync(Request);
        var echo = EchoReply.Parse((await connection.ReadResponseAsync()).BodyText);

        // assert
        AssertNotForwarded(echo, "Connection", "X-Hop");
        Assert.Contains(("X-End", "2"), echo.HeaderPairs);
    }

    [Theory]
    [InlineData("/status/404")]
    [InlineData("/status/503")]
    [InlineData("/status/201")]
    [InlineData("/status/204")]
    [InlineData("/status/302")]
    [InlineData("/status/599")]
    [InlineData("/")]
    public async Task Should_return_the_workers_status_code_headers_and_body_unchanged(string path)
    {
        // arrange: the worker behind the proxy, asked directly for the same thing
        await using var proxied = await RawHttpConnection.OpenAsync(Host.BaseAddress);
        var request = $"GET {path} HTTP/1.1\r\nHost: status.test\r\n\r\n";

        // act
        await proxied.SendAsync(request);
        var viaProxy = await proxied.ReadResponseAsync();
        var workerPort = int.Parse(viaProxy.Head.Value("x-worker-port")!, CultureInfo.InvariantCulture);
        await using var direct = await RawHttpConnection.OpenAsync(new Uri($"http://127.0.0.1:{workerPort}"));
        await direct.SendAsync(request);
        var fromWorker = await direct.ReadResponseAsync();
        output.WriteLine("via proxy:\n" + string.Join('\n', viaProxy.Head.Headers) + "\nfrom worker:\n" + string.Join('\n', fromWorker.Head.Headers));

        // assert: same status, same end-to-end headers (Date ticks, framing and connection headers are per hop), same body
        Assert.Equal(fromWorker.StatusCode, viaProxy.StatusCode);
        Assert.Equal(EndToEnd(fromWorker.Head), EndToEnd(viaProxy.Head));
        Assert.Single(viaProxy.Head.Values("Date"));
        Assert.Equal(fromWorker.Body, viaProxy.Body);
    }

    [Fact]
    public async Task Should_pass_UTF8_header_values_byte_for_byte_both_ways()
    {
        // arrange: a header value sent as raw UTF-8 bytes each way, where the forwarder's client and Kestrel
        // both allowed only ASCII and the exchange failed with a 502
        const string Value = "café ☃";
        var wire = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(Value));
        await using var connection = await RawHttpConnection.OpenAsync(Host.BaseAddress);

        // act
        await connection.SendAsync($"GET /echo/utf8 HTTP/1.1\r\nHost: utf8.test\r\nX-Name: {wire}\r\n\r\n");
        var request = await connection.ReadResponseAsync();
        await connection.SendAsync($"GET /headers?x-name={Uri.EscapeDataString(Value)} HTTP/1.1\r\nHost: utf8.test\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        // assert: the worker (Node reads header bytes as Latin-1) and the client (reading them the same way) got the same bytes
        Assert.Equal(200, request.StatusCode);
        Assert.Contains(("X-Name", wire), EchoReply.Parse(request.BodyText).HeaderPairs);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(wire, response.Head.Value("x-name"));
    }

    [Fact]
    public async Task Should_deliver_a_chunked_request_body_whole()
    {
        // arrange: a body of unknown length, so the client has to send it chunked
        var source = Bodies.Random(3 * 1024 * 1024 + 17, seed: 7);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo/chunked") { Content = Bodies.Chunked(source) };
        request.Headers.TransferEncodingChunked = true;

        // act
        using var response = await Host.Client.SendAsync(request);
        var echo = await EchoReply.ReadAsync(response);

        // assert
        Assert.Equal(source.Length, echo.BodyLength);
        Assert.Equal(source.Sha256, echo.BodySha256);
    }

    [Fact]
    public async Task Should_serve_a_python_worker_the_same_way()
    {
        // arrange
        await using var python = await MultiplexerHost.StartAsync(new HostConfig { StartCmd = $"python3 \"{Repository.PythonWorker}\" %PORT%" });
        var upload = Bodies.Random(1024 * 1024 + 3, seed: 11);

        // act
        using var hello = await python.Client.GetAsync("/");
        var helloText = await hello.Content.ReadAsStringAsync();
        using var uploaded = await python.Client.PostAsync("/upload", Bodies.Sized(upload));
        var reply = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement;

        // assert
        Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        Assert.StartsWith($"hello from worker {hello.Headers.GetValues("x-worker-pid").Single()} on port ", helloText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        Assert.Equal(upload.Length, reply.GetProperty("length").GetInt64());
        Assert.Equal(upload.Sha256, reply.GetProperty("sha256").GetString());
    }

    private static void AssertNotForwarded(EchoReply echo, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.DoesNotContain(echo.HeaderNames, seen => seen.Equals(name, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static List<string> Sorted(IEnumerable<(string Name, string Value)> headers) =>
        headers.Select(h => $"{h.Name}: {h.Value}").Order(StringComparer.Ordinal).ToList();

    /// <summary>Response fields that must come through unchanged; names compared case-insensitively, as HTTP defines them.</summary>
    private static List<string> EndToEnd(RawResponseHead head) =>
        head.Headers
            .Where(h => !new[] { "Date", "Connection", "Keep-Alive", "Transfer-Encoding" }.Contains(h.Name, StringComparer.OrdinalIgnoreCase))
            .Select(h => $"{h.Name.ToLowerInvariant()}: {h.Value}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
