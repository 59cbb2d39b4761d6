using System.Net;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>
/// A response reaches the client as the worker writes it. Responses that are streams by nature
/// (server-sent events, X-Accel-Buffering: no) also bypass the spool and hold the worker until they end.
/// </summary>
public sealed class StreamingSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("/sse?n=3&interval=3000", "text/event-stream", "data: event 1", "data: event 2", "data: event 3")]
    [InlineData("/stream?n=3&interval=3000", "text/plain", "chunk 1", "chunk 2", "chunk 3")]
    public async Task Should_deliver_a_stream_piece_by_piece_while_the_worker_writes_it(string path, string mediaType, string first, string second, string third)
    {
        // arrange: the worker's own count of finished responses, asked directly, tells whether it has ended the stream
        await using var host = await MultiplexerHost.StartAsync(new HostConfig());
        using var hello = await host.Client.GetAsync("/");
        var workerPort = int.Parse(hello.Headers.GetValues("x-worker-port").Single(), System.Globalization.CultureInfo.InvariantCulture);
        using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{workerPort}") };
        var servedBefore = await ServedAsync(direct);

        // act: read up to the first piece only
        using var response = await host.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var firstLine = await reader.ReadLineAsync().WaitAsync(StepTimeout);
        var rest = reader.ReadToEndAsync();
        var restDoneAtFirstPiece = rest.IsCompleted;
        var servedAtFirstPiece = await ServedAsync(direct);
        var restDoneAfterProbe = rest.IsCompleted;
        var tail = await rest.WaitAsync(StepTimeout);
        output.WriteLine($"first: {firstLine}; worker served before {servedBefore}, at first piece {servedAtFirstPiece}; rest: {tail.ReplaceLineEndings("|")}");

        // assert: the first piece arrived while the worker had not finished the response (only the first
        // probe finished since), so the rest was still to come; then the rest arrived in order
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(first, firstLine);
        Assert.False(restDoneAtFirstPiece, "the whole stream had already arrived when its first piece was read");
        Assert.False(restDoneAfterProbe, "the whole stream had already arrived when its first piece was read");
        Assert.True(servedAtFirstPiece < servedBefore + 2, $"the worker had finished the stream ({servedAtFirstPiece - servedBefore} responses finished since the first probe) before the client read its first piece");
        var lines = tail.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([second, third], lines);
    }

    [Fact]
    public async Task Should_hold_the_worker_for_as_long_as_an_event_stream_is_open()
    {
        // arrange: one worker, no overflow, a short checkout timeout; the stream has taken the worker once its first event arrived
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 0, CheckoutTimeout = "1s" });
        using var stream = await host.Client.GetAsync("/sse?n=3&interval=3000", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal("data: event 1", await reader.ReadLineAsync().WaitAsync(StepTimeout));

        // act
        using var whileOpen = await host.Client.GetAsync("/");
        var rest = await reader.ReadToEndAsync().WaitAsync(StepTimeout);
        using var afterEnd = await host.Client.GetAsync("/");

        // assert: refused while the stream was open, with a hint when to retry; served once it ended
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileOpen.StatusCode);
        Assert.NotNull(whileOpen.Headers.RetryAfter);
        Assert.Contains("data: event 3", rest, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, afterEnd.StatusCode);
        Assert.Equal(stream.Headers.GetValues("x-worker-pid").Single(), afterEnd.Headers.GetValues("x-worker-pid").Single());
    }

    [Fact]
    public async Task Should_pass_the_start_of_a_large_response_on_before_the_worker_has_written_the_rest()
    {
        // arrange: the worker writes the first 64 KiB of 32 MiB, then nothing until it is asked directly for /release
        const long Size = 32L << 20;
        const int First = 64 * 1024;
        await using var host = await MultiplexerHost.StartAsync(new HostConfig());
        using var timeout = new CancellationTokenSource(StepTimeout);

        // act: read the start, then let the worker write the rest
        using var response = await host.Client.GetAsync($"/hold?n={Size}&first={First}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var start = new byte[First];
        await body.ReadExactlyAsync(start, timeout.Token);
        using var worker = Direct(response);
        using var released = JsonDocument.Parse(await worker.GetStringAsync("/release", timeout.Token));
        var check = new PatternCheck();
        check.Append(start);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
        {
            check.Append(buffer.AsSpan(0, read));
        }

        // assert: the start arrived while the worker still held the rest back, then every byte in order
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Size, response.Content.Headers.ContentLength);
        Assert.Equal(1, released.RootElement.GetProperty("released").GetInt32());
        Assert.Equal(Size, check.Length);
        Assert.Equal(-1, check.FirstMismatch);
        Assert.Equal(Bodies.PatternSha256(Size), check.Sha256);
    }

    [Fact]
    public async Task Should_cut_a_response_off_when_its_worker_dies_after_writing_the_start()
    {
        // arrange: the client has the start of a response whose worker holds the rest back
        await using var host = await MultiplexerHost.StartAsync(new HostConfig());
        using var timeout = new CancellationTokenSource(StepTimeout);
        using var response = await host.Client.GetAsync("/hold?n=10000000", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        await body.ReadExactlyAsync(new byte[64 * 1024], timeout.Token);
        var pid = response.Headers.GetValues("x-worker-pid").Single();

        // act: the worker dies before writing the rest
        using var worker = Direct(response);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => worker.GetAsync("/exit?code=1", timeout.Token));

        // assert: the client cannot mistake the rest for the end of the response, and the pool recovers
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null, timeout.Token));
        using var next = await host.Client.GetAsync("/pid", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.NotEqual(pid, next.Headers.GetValues("x-worker-pid").Single());
    }

    [Fact]
    public async Task Should_not_make_a_temporary_file_for_a_client_that_reads_at_full_speed()
    {
        // arrange: the multiplexer's temporary directory is a fresh one, watched for anything made in it
        const long Size = 100L << 20;
        using var temp = new SpoolDirectory();
        await using var host = await MultiplexerHost.StartAsync(new HostConfig(), environment: temp.Environment);

        // A freshly started process runs its spool cold: on a busy machine its first response may stall past
        // the 25 ms slack while that code is compiled, so the first download is not judged.
        Assert.Equal(Size, await DownloadAtFullSpeedAsync(host, Size));
        var madeWhileCold = temp.Made.Count;

        // act: three 100 MiB responses, each read as fast as it comes
        var received = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            received.Add(await DownloadAtFullSpeedAsync(host, Size));
        }
        using var last = await host.Client.GetAsync("/");

        // assert: every byte came through, and no temporary file was made, not even for a moment
        Assert.All(received, length => Assert.Equal(Size, length));
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Empty(temp.Made.Skip(madeWhileCold));
        Assert.Empty(temp.Files());
    }

    /// <summary>Downloads /bytes as fast as it arrives, keeping nothing: returns how many bytes came.</summary>
    private async Task<long> DownloadAtFullSpeedAsync(MultiplexerHost host, long length)
    {
        var started = Environment.TickCount64;
        using var response = await host.Client.GetAsync($"/bytes?n={length}", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256 * 1024];
        long received = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            received += read;
        }
        output.WriteLine($"{length >> 20} MiB read at full speed: {(int)response.StatusCode} in {Environment.TickCount64 - started} ms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return received;
    }

    /// <summary>A client of the worker that served <paramref name="response"/>, bypassing the multiplexer.</summary>
    private static HttpClient Direct(HttpResponseMessage response) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{response.Headers.GetValues("x-worker-port").Single()}") };

    /// <summary>The worker's count of responses it has finished, asked directly, bypassing the multiplexer.</summary>
    private static async Task<long> ServedAsync(HttpClient worker)
    {
        var stats = await worker.GetStringAsync("/stats");
        return JsonDocument.Parse(stats).RootElement.GetProperty("served").GetInt64();
    }
}
