using Microsoft.AspNetCore.WebUtilities;

namespace Multiplexer.Host.Proxy;

/// <summary>
/// Collects a worker's response (in memory up to buffer-memory, then in a temporary file) so that the
/// worker is free as soon as it has written it, whatever pace the client reads at. A response that is a
/// stream by nature bypasses it and flows straight to the client.
/// </summary>
internal sealed class ResponseBuffer : IAsyncDisposable
{
    private readonly HttpContext _context;
    private readonly Stream _clientBody;
    private readonly FileBufferingWriteStream _buffer;

    private ResponseBuffer(HttpContext context, int memoryThreshold)
    {
        _context = context;
        _clientBody = context.Response.Body;
        _buffer = new FileBufferingWriteStream(memoryThreshold);
        context.Response.Body = _buffer;
    }

    public bool Bypassed { get; private set; }

    public static ResponseBuffer Install(HttpContext context, int memoryThreshold)
    {
        var buffer = new ResponseBuffer(context, memoryThreshold);
        context.Features.Set(buffer);
        return buffer;
    }

    /// <summary>Sends the rest of this response straight to the client (server-sent events and the like).</summary>
    public void Bypass()
    {
        Bypassed = true;
        // Setting the original stream back restores the server's own response body feature.
        _context.Response.Body = _clientBody;
    }

    /// <summary>Restores the client's stream and sends it what the worker wrote.</summary>
    public async Task SendToClientAsync(bool send, CancellationToken cancellationToken)
    {
        if (Bypassed)
        {
            return;
        }
        _context.Response.Body = _clientBody;
        if (send)
        {
            await _buffer.DrainBufferAsync(_clientBody, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _buffer.DisposeAsync();
}
