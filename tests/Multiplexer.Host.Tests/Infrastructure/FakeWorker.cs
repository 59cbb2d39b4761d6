namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>
/// Stands where the worker's HTTP client would send: it sees the request exactly as the forwarder built it,
/// and answers as the script says (a response, an exception, or silence until cancelled).
/// </summary>
internal sealed class FakeWorker(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    private readonly List<HttpRequestMessage> _received = [];

    public IReadOnlyList<HttpRequestMessage> Received => _received;

    public HttpMessageInvoker Invoker => new(this, disposeHandler: false);

    public static FakeWorker Answering(Func<HttpResponseMessage> response) => new((_, _) => Task.FromResult(response()));

    public static FakeWorker Failing(Exception exception) => new((_, _) => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>Never answers: the request ends only when the forwarder cancels it.</summary>
    public static FakeWorker Silent() => new(async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    });

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_received)
        {
            _received.Add(request);
        }
        return answer(request, cancellationToken);
    }
}
