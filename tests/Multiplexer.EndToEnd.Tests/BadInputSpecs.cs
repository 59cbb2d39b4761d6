using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>One multiplexer with its only worker, shared by the bad-input specs: each leaves the pool as it found it, and checks so.</summary>
public sealed class BadInputHostFixture : IAsyncLifetime
{
    public MultiplexerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 0 });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Malformed, oversized, ambiguous and slow requests are refused by the multiplexer itself, never reach the
/// worker, and leave the pool serving. What the server may accept (RFC 9112) reaches the worker framed one way only.
/// </summary>
public sealed class BadInputSpecs(BadInputHostFixture fixture, ITestOutputHelper output) : IClassFixture<BadInputHostFixture>
{
    private const string Host = "Host: bad.test\r\n";

    /// <summary>How long a raw-socket step may take before the test gives up instead of hanging.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Each bad request (Latin-1, one byte per character) and the status the multiplexer answers it with, as
    /// observed; every one is also answered by closing the connection. The target is /echo/bad wherever there
    /// is one, so an access line of a request that reached the worker would show it.
    /// </summary>
    private static readonly Dictionary<string, (string Request, int Status)> Refused = new()
    {
        // The request line (Kestrel).
        ["malformed request line"] = ("GARBAGE\r\n\r\n", 400),
        ["request line without a version"] = ("GET /echo/bad\r\n" + Host + "\r\n", 505),
        ["unknown version HTTP/1.2"] = ("GET /echo/bad HTTP/1.2\r\n" + Host + "\r\n", 505),
        ["HTTP/2.0 in an HTTP/1 request line"] = ("GET /echo/bad HTTP/2.0\r\n" + Host + "\r\n", 505),
        ["not HTTP at all: FOO/1.1"] = ("GET /echo/bad FOO/1.1\r\n" + Host + "\r\n", 505),
        ["space inside the target"] = ("GET /echo/b ad HTTP/1.1\r\n" + Host + "\r\n", 400),
        ["raw UTF-8 in the target"] = ("GET /echo/bad\u00c3\u00a9 HTTP/1.1\r\n" + Host + "\r\n", 400),
        ["target over 8 KB: 414"] = ($"GET /echo/bad?{new string('q', 9000)} HTTP/1.1\r\n" + Host + "\r\n", 414),
        // Kestrel lets control characters through in the target; the multiplexer refuses them (RFC 9112 3.2).
        ["control character in the target"] = ("GET /echo/bad\u0001 HTTP/1.1\r\n" + Host + "\r\n", 400),
        ["escape character in the target"] = ("GET /echo/bad\u001b[2J HTTP/1.1\r\n" + Host + "\r\n", 400),

        // Header fields (Kestrel).
        ["one header field over 32 KB: 431"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + $"X-Big: {new string('h', 33 * 1024)}\r\n\r\n", 431),
        ["header fields over 32 KB in all: 431"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + ManyHeaders(9, 4000) + "\r\n", 431),
        ["101 header fields: 431"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + ManyHeaders(100, 1) + "\r\n", 431),
        ["NUL in a header value"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + "X-A: a\0b\r\n\r\n", 400),
        ["bare CR in a header value"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + "X-A: a\rb\r\n\r\n", 400),
        ["obsolete line folding"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + "X-A: a\r\n b\r\n\r\n", 400),
        ["whitespace before the colon"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + "X-A : a\r\n\r\n", 400),
        ["header line without a colon"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + "X-A a\r\n\r\n", 400),
        ["invalid UTF-8 in a header value"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + "X-A: \u00e9\r\n\r\n", 400),
        ["no Host in HTTP/1.1"] = ("GET /echo/bad HTTP/1.1\r\n\r\n", 400),
        ["two Host fields"] = ("GET /echo/bad HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400),
        // Kestrel lets other control characters through in a field value; the multiplexer refuses them (RFC 9110 5.5).
        ["control character in a header value"] = ("GET /echo/bad HTTP/1.1\r\n" + Host + "X-A: a\u0001b\r\n\r\n", 400),
        ["escape character in Transfer-Encoding"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: \u001b[2J, chunked\r\n\r\n" + Chunked("abc"), 400),

        // Content-Length (Kestrel).
        ["Content-Length not a number"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Content-Length: abc\r\n\r\nabc", 400),
        ["negative Content-Length"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Content-Length: -1\r\n\r\nabc", 400),
        ["two different Content-Lengths"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ["two equal Content-Lengths"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
        ["Content-Length list 3, 4"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Content-Length: 3, 4\r\n\r\nabcd", 400),
        ["Content-Length over 64 bits"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Content-Length: 99999999999999999999999\r\n\r\nabc", 400),

        // Transfer-Encoding: Kestrel refuses a last coding other than chunked; the multiplexer refuses the rest,
        // which Kestrel would decode as plain chunked and the forwarder pass on without their codings (RFC 9112 6.1).
        ["Transfer-Encoding: gzip"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: gzip\r\n\r\nabc", 400),
        ["unknown transfer coding"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: foo\r\n\r\nabc", 400),
        ["Transfer-Encoding: gzip, chunked: 501"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: gzip, chunked\r\n\r\n" + Chunked("abc"), 501),
        ["Transfer-Encoding: foo, chunked: 501"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: foo, chunked\r\n\r\n" + Chunked("abc"), 501),
        ["chunked twice in one field"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked, chunked\r\n\r\n" + Chunked("abc"), 400),
        ["chunked in two fields"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked("abc"), 400),

        // Chunked bodies: refused while the body is buffered, before a worker is taken.
        ["chunk size not hexadecimal"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
        // Kestrel reports this one as a plain IOException, which was a 500 before the multiplexer caught it.
        ["chunk size over 64 bits"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400),
        ["chunk longer than its size"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 400),
        ["bare LF after a chunk extension"] = ("POST /echo/bad HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n3;x\nabc\r\n0\r\n\r\n", 400),
    };

    public static TheoryData<string> RefusedCases => new(Refused.Keys);

    private MultiplexerHost Proxy => fixture.Host;

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public async Task Should_refuse_bad_input_without_involving_the_worker_and_keep_serving(string name)
    {
        // arrange
        var (request, status) = Refused[name];
        var worker = await WorkerAsync();
        var mark = Proxy.Lines.Count;
        var servedBefore = await ServedAsync(worker);
        await using var connection = await RawHttpConnection.OpenAsync(Proxy.BaseAddress);
        using var timeout = new CancellationTokenSource(StepTimeout);

        // act
        await SendIgnoringResetAsync(connection, request);
        var response = await connection.ReadResponseAsync(cancellationToken: timeout.Token);
        var closed = await IsClosedAsync(connection);
        var servedAfter = await ServedAsync(worker);
        var logged = Proxy.Lines.Count(IsRootServed);
        using var next = await Proxy.Client.GetAsync("/");

        // assert: refused by the multiplexer, the connection closed, the worker's count moved only by the
        // first /stats request itself, no access line of a served /echo/bad, and the pool still serves
        output.WriteLine($"{name}: {response.StatusCode} {response.Head.Reason}; {response.BodyText.Trim()}");
        Assert.Equal(status, response.StatusCode);
        Assert.Empty(response.Head.Values("x-worker-pid"));
        Assert.True(closed, "the connection was closed after the refusal");
        Assert.Equal(servedBefore + 1, servedAfter);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        await Proxy.WaitForLogCountAsync(IsRootServed, logged + 1);
        Assert.DoesNotContain(Proxy.Lines.Skip(mark), l => l.Contains("Multiplexer.Access[1]", StringComparison.Ordinal) && l.Contains("/echo/bad", StringComparison.Ordinal));
        Assert.DoesNotContain(Proxy.Lines.Skip(mark), l => l.Contains('\u001b', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_forward_chunked_with_Content_Length_as_chunked_only_so_no_second_request_can_be_smuggled()
    {
        // arrange: framed by Content-Length, the body would end after "2d\r\n", and what follows would be a
        // second request, GET /echo/smuggled. Kestrel accepts the message (RFC 9112 6.3 lets a server take
        // Transfer-Encoding and ignore Content-Length), reads it as chunked and moves Content-Length aside to
        // X-Content-Length; the forwarder then frames the body itself, chunked.
        const string Smuggled = "GET /echo/smuggled HTTP/1.1\r\nHost: bad.test\r\n\r\n";
        var request = "POST /echo/framing HTTP/1.1\r\n" + Host + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked(Smuggled);
        var worker = await WorkerAsync();
        var servedBefore = await ServedAsync(worker);
        await using var connection = await RawHttpConnection.OpenAsync(Proxy.BaseAddress);
        using var timeout = new CancellationTokenSource(StepTimeout);

        // act
        await connection.SendAsync(request);
        var response = await connection.ReadResponseAsync(cancellationToken: timeout.Token);
        var closed = await IsClosedAsync(connection);
        var servedAfter = await ServedAsync(worker);

        // assert: the worker got one request whose body is the would-be second request, framed by chunked
        // alone; Kestrel closed the connection after it, as RFC 9112 6.3 requires
        Assert.Equal(200, response.StatusCode);
        var echo = EchoReply.Parse(response.BodyText);
        Assert.Equal("/echo/framing", echo.Url);
        Assert.Equal(Smuggled.Length, echo.BodyLength);
        Assert.DoesNotContain(echo.HeaderPairs, h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(("Transfer-Encoding", "chunked"), echo.HeaderPairs);
        Assert.True(closed, "the connection was closed after the ambiguous request");
        // the /echo/framing request and the first /stats request, nothing else
        Assert.Equal(servedBefore + 2, servedAfter);
        Assert.DoesNotContain(Proxy.Lines, l => l.Contains("/echo/smuggled", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("POST /echo/accepted HTTP/1.1\r\n" + Host + "Content-Length: +3\r\n\r\nabc", 3, "Content-Length")]
    [InlineData("POST /echo/accepted HTTP/1.0\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 3, "Transfer-Encoding")]
    [InlineData("POST /echo/accepted HTTP/1.1\nHost: bad.test\nContent-Length: 3\n\nabc", 3, "Content-Length")]
    public async Task Should_forward_what_the_server_may_accept_with_a_single_framing(string request, int bodyLength, string framing)
    {
        // arrange: a '+' sign in Content-Length (Kestrel reads 3), Transfer-Encoding in HTTP/1.0 (RFC 9112 6.1:
        // processed, then the connection closed), bare LF line ends (RFC 9112 2.2 lets a recipient accept them)
        var worker = await WorkerAsync();
        var servedBefore = await ServedAsync(worker);
        await using var connection = await RawHttpConnection.OpenAsync(Proxy.BaseAddress);
        using var timeout = new CancellationTokenSource(StepTimeout);

        // act
        await connection.SendAsync(request);
        var response = await connection.ReadResponseAsync(cancellationToken: timeout.Token);
        var servedAfter = await ServedAsync(worker);

        // assert: the worker got exactly the body, framed one way only, and one request
        Assert.Equal(200, response.StatusCode);
        var echo = EchoReply.Parse(response.BodyText);
        Assert.Equal(bodyLength, echo.BodyLength);
        var framings = echo.HeaderPairs.Where(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
            || h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(framing, Assert.Single(framings).Name);
        Assert.Equal(servedBefore + 2, servedAfter);
    }

    [Fact]
    public async Task Should_answer_408_to_a_client_that_trickles_its_headers_past_the_headers_timeout_while_serving_others()
    {
        // arrange: a request head sent one byte every 250 ms would take about 40 s in all
        var head = "GET /echo/slow HTTP/1.1\r\n" + Host + $"X-Slow: {new string('s', 120)}\r\n\r\n";
        var worker = await WorkerAsync();
        var servedBefore = await ServedAsync(worker);
        await using var slow = await RawHttpConnection.OpenAsync(Proxy.BaseAddress);
        // Past Kestrel's default of 30 s, so that a lost setting fails on the time, not on this timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        var answer = slow.ReadResponseAsync(cancellationToken: timeout.Token);
        var trickling = Stopwatch.StartNew();
        var servedMeanwhile = new List<HttpStatusCode>();

        // act: trickle until the multiplexer answers, asking for the only worker now and then meanwhile
        var sent = 0;
        while (!answer.IsCompleted && sent < head.Length)
        {
            if (!await TrySendAsync(slow, head.Substring(sent++, 1)))
            {
                break;
            }
            if (sent % 12 == 0)
            {
                using var other = await Proxy.Client.GetAsync("/");
                servedMeanwhile.Add(other.StatusCode);
            }
            await Task.WhenAny(answer, Task.Delay(250));
        }
        var response = await answer;
        trickling.Stop();
        var closed = await IsClosedAsync(slow);
        var servedAfter = await ServedAsync(worker);

        // assert: 408 after the 10 s headers timeout (Kestrel checks once a second; its default would be 30 s),
        // the worker never saw the slow request, and every other request was served meanwhile
        output.WriteLine($"408 after {trickling.Elapsed.TotalSeconds:F1} s and {sent} of {head.Length} bytes; {servedMeanwhile.Count} requests served meanwhile");
        Assert.Equal(408, response.StatusCode);
        Assert.True(closed, "the connection was closed after the 408");
        Assert.InRange(trickling.Elapsed, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(15));
        Assert.True(servedMeanwhile.Count >= 3, $"only {servedMeanwhile.Count} requests were tried while the client trickled");
        Assert.All(servedMeanwhile, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(servedBefore + 1 + servedMeanwhile.Count, servedAfter);
        Assert.DoesNotContain(Proxy.Lines, l => l.Contains("/echo/slow", StringComparison.Ordinal));
    }

    private static bool IsRootServed(string line) => line.Contains("Multiplexer.Access[1] GET / 200 ", StringComparison.Ordinal);

    private static string ManyHeaders(int count, int valueLength) =>
        string.Concat(Enumerable.Range(1, count).Select(i => $"X-Header-{i}: {new string('v', valueLength)}\r\n"));

    private static string Chunked(string body) => $"{Encoding.Latin1.GetByteCount(body):x}\r\n{body}\r\n0\r\n\r\n";

    /// <summary>The port of the pool's worker, from a request served through the multiplexer.</summary>
    private async Task<int> WorkerAsync()
    {
        using var response = await Proxy.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return int.Parse(response.Headers.GetValues("x-worker-port").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How many responses the worker has finished, asked directly on its own port.</summary>
    private static async Task<long> ServedAsync(int workerPort)
    {
        using var direct = new HttpClient { Timeout = StepTimeout };
        using var stats = JsonDocument.Parse(await direct.GetStringAsync($"http://127.0.0.1:{workerPort}/stats"));
        return stats.RootElement.GetProperty("served").GetInt64();
    }

    /// <summary>Sends, ignoring a reset: the server may refuse and close before it has read everything.</summary>
    private static async Task SendIgnoringResetAsync(RawHttpConnection connection, string text) => await TrySendAsync(connection, text);

    private static async Task<bool> TrySendAsync(RawHttpConnection connection, string text)
    {
        try
        {
            await connection.SendAsync(text);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>True if the peer closes the connection within 5 s (a refusal closes it at once), having sent nothing more.</summary>
    private static async Task<bool> IsClosedAsync(RawHttpConnection connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await connection.IsClosedByPeerAsync(timeout.Token);
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
