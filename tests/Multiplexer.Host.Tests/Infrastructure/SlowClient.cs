using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>
/// A client's connection that takes nothing until the spec says so: every flush waits until the spec has
/// read all that was written, as Kestrel's does for a client that has stopped reading. That makes a
/// client falling behind, and catching up, happen exactly when a spec decides, without sleeps.
/// </summary>
internal sealed class SlowClient : IHttpResponseBodyFeature
{
    private readonly Pipe _connection = new(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
    private readonly MemoryStream _taken = new();

    private SlowClient() => Stream = _connection.Writer.AsStream();

    public Stream Stream { get; }

    public PipeWriter Writer => _connection.Writer;

    /// <summary>What the client has taken so far.</summary>
    public byte[] Taken => _taken.ToArray();

    public static SlowClient On(HttpContext context)
    {
        var client = new SlowClient();
        context.Features.Set<IHttpResponseBodyFeature>(client);
        return client;
    }

    /// <summary>Reads until the client has taken <paramref name="total"/> bytes in all.</summary>
    public async Task TakeAsync(long total)
    {
        while (_taken.Length < total)
        {
            var read = await _connection.Reader.ReadAsync();
            foreach (var segment in read.Buffer)
            {
                _taken.Write(segment.Span);
            }
            _connection.Reader.AdvanceTo(read.Buffer.End);
        }
    }

    /// <summary>The client closes the connection without taking the rest.</summary>
    public void Leave() => _connection.Reader.Complete();

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task CompleteAsync() => _connection.Writer.CompleteAsync().AsTask();
}
