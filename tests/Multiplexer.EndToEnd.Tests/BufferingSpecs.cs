using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>
/// Bodies are buffered so a worker is held only while it works, never while a client is slow: a response
/// passes straight through to a client that keeps up and is spooled (memory, then a temporary file) only
/// for one that does not; large bodies go through a temporary file, not memory; and the body limit is
/// enforced before any worker is taken.
/// </summary>
public sealed class BufferingSpecs(ITestOutputHelper output)
{
    private const long MB = 1024 * 1024;

    /// <summary>How long a raw-socket step may take before the test gives up instead of hanging.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_carry_10_MB_and_200_MB_bodies_both_ways_without_growing_in_memory()
    {
        // arrange: a 10 MB round trip warms up every code path, buffer pool and the GC heap
        await using var host = await MultiplexerHost.StartAsync(new HostConfig());
        await AssertUploadAsync(host, 10 * MB, chunked: false);
        await AssertDownloadAsync(host, 10 * MB);
        var warmedUp = ProcessTable.PeakRssBytes(host.Pid);

        // act
        await AssertUploadAsync(host, 200 * MB, chunked: false);
        await AssertDownloadAsync(host, 200 * MB);
        var afterLarge = ProcessTable.PeakRssBytes(host.Pid);

        // assert: holding either 200 MB body in memory would add at least 200 MB to the peak RSS (more with
        // growing MemoryStreams). 100 MB is half of that, and leaves ample room for what legitimately varies
        // between runs: GC heap growth under sustained allocation, pooled buffers, JIT of rarely used paths.
        var growth = afterLarge - warmedUp;
        output.WriteLine($"multiplexer peak RSS after 10 MB warm-up: {warmedUp / MB} MB; after 200 MB up and down: {afterLarge / MB} MB; growth {growth / (double)MB:F1} MB");
        Assert.True(growth < 100 * MB, $"peak RSS grew by {growth / MB} MB while carrying 200 MB bodies");
    }

    [Fact]
    public async Task Should_not_hold_the_worker_while_a_client_uploads_slowly()
    {
        // arrange: one worker and no overflow, so a held worker would leave nothing for anyone else
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 0, CheckoutTimeout = "10s" });
        var body = RandomNumberGenerator.GetBytes(1_000_000);
        await using var slow = await RawHttpConnection.OpenAsync(host.BaseAddress);
        using var timeout = new CancellationTokenSource(StepTimeout);
        // Expect: 100-continue makes the server say when it starts reading the body, which is the event that
        // tells the test A's request is in the proxy (and, were bodies not buffered, has taken the worker).
        await slow.SendAsync($"POST /upload HTTP/1.1\r\nHost: slow.test\r\nContent-Length: {body.Length}\r\nExpect: 100-continue\r\n\r\n");
        await slow.SendAsync(body.AsMemory(0, 300_000));
        var interim = await slow.ReadHeadAsync(timeout.Token);
        Assert.Equal(100, interim.StatusCode);

        // act: B asks for the only worker while A's upload is stalled two thirds short
        using var other = await host.Client.GetAsync("/");
        await slow.SendAsync(body.AsMemory(300_000));
        var uploaded = await slow.ReadResponseAsync(cancellationToken: timeout.Token);

        // assert
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(200, uploaded.StatusCode);
        var reply = JsonDocument.Parse(uploaded.BodyText).RootElement;
        Assert.Equal(body.Length, reply.GetProperty("length").GetInt64());
        Assert.Equal(Bodies.Hex(SHA256.HashData(body)), reply.GetProperty("sha256").GetString());
        Assert.Equal(uploaded.Head.Value("x-worker-pid"), other.Headers.GetValues("x-worker-pid").Single());
    }

    [Fact]
    public async Task Should_not_hold_the_worker_while_a_client_reads_slowly()
    {
        // arrange: a response far larger than every socket and pipe buffer between worker and client, to a
        // client with a small receive window that reads only the response head
        const long Size = 50_000_000;
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 0, CheckoutTimeout = "10s" });
        await using var slow = await RawHttpConnection.OpenAsync(host.BaseAddress, receiveBufferSize: 16 * 1024);
        using var timeout = new CancellationTokenSource(StepTimeout);
        await slow.SendAsync($"GET /bytes?n={Size} HTTP/1.1\r\nHost: slow.test\r\n\r\n");
        // The head arriving is the event that A's request has been given to the worker.
        var head = await slow.ReadHeadAsync(timeout.Token);
        Assert.Equal(200, head.StatusCode);

        // act: B asks for the only worker while A has read (at most) one 64 KiB buffer of the 50 MB
        using var other = await host.Client.GetAsync("/");
        var check = new PatternCheck();
        await slow.ReadBodyAsync(head, chunk => check.Append(chunk.Span), timeout.Token);

        // assert
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(head.Value("x-worker-pid"), other.Headers.GetValues("x-worker-pid").Single());
        Assert.Equal(Size, check.Length);
        Assert.Equal(-1, check.FirstMismatch);
        Assert.Equal(Bodies.PatternSha256(Size), check.Sha256);
    }

    [Fact]
    public async Task Should_spool_a_slow_reader_s_response_beyond_buffer_memory_to_a_temporary_file_and_delete_it_after()
    {
        // arrange: a 20 MB response, far beyond buffer-memory and every socket buffer, to a client that
        // reads only the head at first; the multiplexer's temporary directory is a fresh one
        const long Size = 20_000_000;
        using var temp = new SpoolDirectory();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 0, CheckoutTimeout = "10s" }, environment: temp.Environment);
        await using var slow = await RawHttpConnection.OpenAsync(host.BaseAddress, receiveBufferSize: 16 * 1024);
        using var timeout = new CancellationTokenSource(StepTimeout);
        await slow.SendAsync($"GET /bytes?n={Size} HTTP/1.1\r\nHost: slow.test\r\n\r\n");
        var head = await slow.ReadHeadAsync(timeout.Token);

        // act: the only worker serves another request, so it has written all of the slow client's response
        using var other = await host.Client.GetAsync("/");
        var whileReading = temp.Files();
        var check = new PatternCheck();
        await slow.ReadBodyAsync(head, chunk => check.Append(chunk.Span), timeout.Token);

        // assert: what the client had not taken was in one temporary file, which is gone once it has all
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(head.Value("x-worker-pid"), other.Headers.GetValues("x-worker-pid").Single());
        var spool = Assert.Single(whileReading);
        Assert.StartsWith("multiplexer-response-", spool, StringComparison.Ordinal);
        Assert.Equal(Size, check.Length);
        Assert.Equal(-1, check.FirstMismatch);
        Assert.Equal(Bodies.PatternSha256(Size), check.Sha256);
        await Eventually.TrueAsync(() => temp.Files().Count == 0, "the temporary file is deleted once the response is sent");
    }

    [Fact]
    public async Task Should_free_the_worker_once_it_has_written_1_GB_to_a_slow_reader_with_flat_memory()
    {
        // arrange: a 1 GB response to a client that reads only the head at first
        const long Size = 1L << 30;
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 0, CheckoutTimeout = "60s" });
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/bytes?n=1000000")).StatusCode);
        var rssBefore = ProcessTable.PeakRssBytes(host.Pid);
        await using var slow = await RawHttpConnection.OpenAsync(host.BaseAddress, receiveBufferSize: 16 * 1024);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await slow.SendAsync($"GET /bytes?n={Size} HTTP/1.1\r\nHost: slow.test\r\n\r\n");
        var head = await slow.ReadHeadAsync(timeout.Token);

        // act: the only worker serves another request while the slow client has read almost nothing
        using var other = await host.Client.GetAsync("/", timeout.Token);
        var check = new PatternCheck();
        await slow.ReadBodyAsync(head, chunk => check.Append(chunk.Span), timeout.Token);
        var growth = ProcessTable.PeakRssBytes(host.Pid) - rssBefore;
        output.WriteLine($"peak RSS {rssBefore / 1048576} MiB before, grew by {growth / 1048576} MiB carrying 1 GiB");

        // assert: the bound is a tenth of the body; holding it would add 1 GiB
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(head.Value("x-worker-pid"), other.Headers.GetValues("x-worker-pid").Single());
        Assert.Equal(Size, check.Length);
        Assert.Equal(-1, check.FirstMismatch);
        Assert.True(growth < 100L * 1024 * 1024, $"peak RSS grew by {growth / 1048576} MiB");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_refuse_a_body_over_max_request_body_without_involving_a_worker(bool chunked)
    {
        // arrange
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { MaxRequestBody = "1MB" });
        await using var client = await RawHttpConnection.OpenAsync(host.BaseAddress);
        using var timeout = new CancellationTokenSource(StepTimeout);

        // act: send 2 MB; the server may answer and close before it is all sent, so the sending may fail
        var sending = SendUploadIgnoringResetAsync(client, RandomNumberGenerator.GetBytes((int)(2 * MB)), chunked);
        var refused = await client.ReadResponseAsync(cancellationToken: timeout.Token);
        await sending;
        using var next = await host.Client.GetAsync("/");

        // assert: refused by the multiplexer itself, and the pool is unaffected
        Assert.Equal(413, refused.StatusCode);
        Assert.Empty(refused.Head.Values("x-worker-pid"));
        var logged = await host.WaitForLogAsync(l => l.Contains("POST /upload 413 ", StringComparison.Ordinal));
        Assert.Contains("POST /upload 413 worker=- ", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Lines, l => l.Contains("POST /upload", StringComparison.Ordinal) && l.Contains("worker 1", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_pass_a_body_under_max_request_body(bool chunked)
    {
        // arrange
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { MaxRequestBody = "1MB" });

        // act + assert
        await AssertUploadAsync(host, 1_000_000, chunked);
    }

    [Fact]
    public async Task Should_carry_10_MB_both_ways_with_buffering_off()
    {
        // arrange: pure streaming, worker held for the whole exchange
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { RequestBuffering = false, ResponseBuffering = false });

        // act + assert
        await AssertUploadAsync(host, 10 * MB, chunked: false);
        await AssertUploadAsync(host, 10 * MB, chunked: true);
        await AssertDownloadAsync(host, 10 * MB);
    }

    /// <summary>Uploads generated content to /upload and checks the worker received exactly it.</summary>
    private async Task AssertUploadAsync(MultiplexerHost host, long length, bool chunked)
    {
        var source = Bodies.Random(length, seed: (int)(length % int.MaxValue));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = chunked ? Bodies.Chunked(source) : Bodies.Sized(source) };
        request.Headers.TransferEncodingChunked = chunked;
        var started = Environment.TickCount64;
        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"upload {length / (double)MB:F1} MB{(chunked ? " chunked" : "")}: {(int)response.StatusCode} in {Environment.TickCount64 - started} ms");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = JsonDocument.Parse(text).RootElement;
        Assert.Equal(length, reply.GetProperty("length").GetInt64());
        Assert.Equal(source.Sha256, reply.GetProperty("sha256").GetString());
    }

    /// <summary>Downloads /bytes, checking each byte against the pattern as it streams in and the SHA-256 of the whole.</summary>
    private async Task AssertDownloadAsync(MultiplexerHost host, long length)
    {
        var started = Environment.TickCount64;
        using var response = await host.Client.GetAsync($"/bytes?n={length}", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var check = await PatternCheck.ReadAsync(body);
        output.WriteLine($"download {length / (double)MB:F1} MB: {(int)response.StatusCode} in {Environment.TickCount64 - started} ms");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(length, response.Content.Headers.ContentLength);
        Assert.Equal(length, check.Length);
        Assert.Equal(-1, check.FirstMismatch);
        Assert.Equal(Bodies.PatternSha256(length), check.Sha256);
    }

    private static async Task SendUploadIgnoringResetAsync(RawHttpConnection connection, byte[] body, bool chunked)
    {
        try
        {
            var framing = chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {body.Length}";
            await connection.SendAsync($"POST /upload HTTP/1.1\r\nHost: limit.test\r\n{framing}\r\n\r\n");
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                var piece = body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset));
                if (chunked)
                {
                    await connection.SendAsync(piece.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
                }
                await connection.SendAsync(piece);
                if (chunked)
                {
                    await connection.SendAsync("\r\n");
                }
            }
            if (chunked)
            {
                await connection.SendAsync("0\r\n\r\n");
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // The server refused the body and closed the connection: expected.
        }
    }
}
