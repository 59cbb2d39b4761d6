using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Multiplexer.Host.Proxy;

/// <summary>
/// The response body the forwarder writes a worker's response into. Each write goes straight to the
/// client while the client keeps up; once the client falls behind (a flush that would wait), what it has
/// not yet taken is kept in a <see cref="Backlog"/> (memory up to buffer-memory, then a temporary file)
/// that one pump sends on in order. The forwarder waits for a client only while it keeps up (see
/// <see cref="ClientPace"/>), so the worker is free as soon as it has written its response, whatever
/// pace the client reads at. A flush is a no-op: each write is flushed as it is made, or by the pump. A
/// response that is a stream by nature bypasses the spool and flows straight to the client, holding its worker.
/// </summary>
internal sealed class ResponseSpool : WriteOnlyStream
{
    private readonly HttpContext _context;
    private readonly Stream _clientBody;
    private readonly IHttpResponseBodyFeature _client;
    private readonly PipeWriter _writer;
    private readonly Lock _gate = new();
    private readonly int _memoryLimit;

    /// <summary>Made when the client first falls behind: most responses never need one.</summary>
    private Backlog? _backlog;

    /// <summary>Set while the pump owns the client's writer: writes then go to the backlog.</summary>
    private bool _pumping;

    /// <summary>The client is gone: what is written is dropped.</summary>
    private bool _clientGone;

    /// <summary>Once a write has waited its allowance out, the rest of the response goes to the backlog without waiting.</summary>
    private bool _spilling;

    /// <summary>Completed by the pump when it has made room in memory (or stopped), for a write that waits.</summary>
    private TaskCompletionSource? _room;

    private Task _pump = Task.CompletedTask;

    /// <summary>Touched only by the forwarder's writes, one at a time.</summary>
    private ClientPace _pace;

    private ResponseSpool(HttpContext context, int memoryLimit)
    {
        _context = context;
        _clientBody = context.Response.Body;
        _client = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        _writer = _client.Writer;
        _memoryLimit = memoryLimit;
        context.Response.Body = this;
    }

    public static ResponseSpool Install(HttpContext context, int memoryLimit)
    {
        var spool = new ResponseSpool(context, memoryLimit);
        context.Features.Set(spool);
        return spool;
    }

    /// <summary>Sends the rest of this response straight to the client (server-sent events and the like).</summary>
    public void Bypass() => RestoreClientBody();

    /// <summary>
    /// Waits until the client has taken what is left of the response (or is gone), then frees the spool.
    /// Called once the forwarder is done, so after the worker is back in the pool.
    /// </summary>
    public async ValueTask SendRestAsync()
    {
        try
        {
            if (!_pump.IsCompleted)
            {
                await _pump;
            }
        }
        finally
        {
            RestoreClientBody();
            _backlog?.Dispose();
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _pace.Wrote(buffer.Length);
        Route route;
        Task room;
        lock (_gate)
        {
            route = RouteWrite(buffer.Span, out room);
        }
        return route switch
        {
            Route.Direct => WriteDirectAsync(buffer),
            Route.Wait => WaitThenWriteAsync(buffer, room),
            _ => ValueTask.CompletedTask,
        };
    }

    /// <summary>Where a write goes: taken (into the backlog, or dropped), straight to the client, or to wait for room.</summary>
    private Route RouteWrite(ReadOnlySpan<byte> data, out Task room)
    {
        room = Task.CompletedTask;
        if (_clientGone)
        {
            return Route.Taken;
        }
        if (!_pumping)
        {
            return Route.Direct;
        }
        if (_spilling || _backlog!.FitsInMemory(data.Length))
        {
            _backlog!.Append(data);
            return Route.Taken;
        }
        _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        room = _room.Task;
        return Route.Wait;
    }

    /// <summary>
    /// Waits for the pump to make room in memory while the client keeps up; once a wait runs out, the rest
    /// of the response goes to the backlog without waiting, whatever the client's pace.
    /// </summary>
    private async ValueTask WaitThenWriteAsync(ReadOnlyMemory<byte> buffer, Task room)
    {
        while (true)
        {
            var waitStart = Stopwatch.GetTimestamp();
            var allowance = _pace.Allowance;
            var roomMade = false;
            if (allowance > TimeSpan.Zero)
            {
                var waiting = room.WaitAsync(allowance);
                await waiting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                roomMade = waiting.IsCompletedSuccessfully;
            }
            _pace.Waited(waitStart, Stopwatch.GetTimestamp());
            Route route;
            lock (_gate)
            {
                route = RouteWrite(buffer.Span, out room);
                if (route == Route.Wait && !roomMade)
                {
                    // Still no room when the allowance ran out: from now on the backlog takes what comes.
                    _spilling = true;
                    route = RouteWrite(buffer.Span, out room);
                }
            }
            if (route == Route.Direct)
            {
                await WriteDirectAsync(buffer);
            }
            if (route != Route.Wait)
            {
                return;
            }
        }
    }

    private ValueTask WriteDirectAsync(ReadOnlyMemory<byte> buffer)
    {
        if (!_context.Response.HasStarted)
        {
            // Started apart from the first write so that the write copies its bytes before it returns,
            // whatever OnStarting callbacks do: the forwarder reuses its buffer once a write completes.
            var start = _client.StartAsync(CancellationToken.None);
            if (!start.IsCompletedSuccessfully)
            {
                return StartThenWriteAsync(start, buffer);
            }
        }
        return WriteToClient(buffer);
    }

    private async ValueTask StartThenWriteAsync(Task start, ReadOnlyMemory<byte> buffer)
    {
        await start;
        await WriteToClient(buffer);
    }

    /// <summary>
    /// Writes to the client's writer, which copies the bytes at once. A flush that completes means the
    /// client keeps up; one that would wait is handed to the pump, and later writes go to the backlog.
    /// The flush is given no cancellation token: it may outlive the forwarder's call and its token.
    /// </summary>
    private ValueTask WriteToClient(ReadOnlyMemory<byte> buffer)
    {
        var flush = _writer.WriteAsync(buffer, CancellationToken.None);
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
            return ValueTask.CompletedTask;
        }
        if (flush.IsCompleted)
        {
            // Faulted or cancelled: the write fails as a direct write to the client would.
            return new ValueTask(flush.AsTask());
        }
        lock (_gate)
        {
            _backlog ??= new Backlog(_memoryLimit);
            _pumping = true;
        }
        // Only this writer's calls and, once the forwarder is done, SendRestAsync touch the pump's task.
        _pump = PumpAsync(flush);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Waits for the client to take what is under way, then sends it what the backlog holds, oldest first,
    /// until the backlog is empty; then writes go straight to the client again.
    /// </summary>
    private async Task PumpAsync(ValueTask<FlushResult> pending)
    {
        try
        {
            var flushed = await pending.ConfigureAwait(false);
            while (!flushed.IsCompleted && !flushed.IsCanceled)
            {
                long offset;
                int length;
                lock (_gate)
                {
                    if (_backlog!.MoveMemoryTo(_writer))
                    {
                        length = 0;
                        offset = 0;
                        RoomMade();
                    }
                    else if (!_backlog.TakeFromFile(out offset, out length))
                    {
                        _pumping = false;
                        RoomMade();
                        return;
                    }
                }
                if (length > 0)
                {
                    _backlog!.CopyFromFile(offset, length, _writer);
                }
                flushed = await _writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away, or the temporary file failed: either way the rest cannot reach the
            // client, and closing the connection keeps a chunked response from looking complete.
            _context.Abort();
        }
        lock (_gate)
        {
            _clientGone = true;
            RoomMade();
        }
    }

    /// <summary>Lets a write waiting for room go on; called under the gate.</summary>
    private void RoomMade()
    {
        _room?.TrySetResult();
        _room = null;
    }

    private void RestoreClientBody()
    {
        if (_context.Response.Body == this)
        {
            // Setting the original stream back restores the server's own response body feature.
            _context.Response.Body = _clientBody;
            _context.Features.Set<ResponseSpool>(null);
        }
    }

    private enum Route
    {
        Taken,
        Direct,
        Wait,
    }
}
