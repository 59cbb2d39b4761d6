using System.Net;
using System.Text.Json;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>
/// Responses that are streams by nature (server-sent events, X-Accel-Buffering: no) bypass the response
/// buffer: they reach the client as the worker writes them, and hold the worker until they end.
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

    /// <summary>The worker's count of responses it has finished, asked directly, bypassing the multiplexer.</summary>
    private static async Task<long> ServedAsync(HttpClient worker)
    {
        var stats = await worker.GetStringAsync("/stats");
        return JsonDocument.Parse(stats).RootElement.GetProperty("served").GetInt64();
    }
}
