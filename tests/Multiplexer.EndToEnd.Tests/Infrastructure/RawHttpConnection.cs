using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>The status line and header fields of one HTTP/1.1 response, exactly as they came over the wire.</summary>
public sealed record RawResponseHead(int StatusCode, string Reason, IReadOnlyList<(string Name, string Value)> Headers)
{
    /// <summary>Every value of a field, names compared case-insensitively as HTTP does.</summary>
    public IReadOnlyList<string> Values(string name) =>
        Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();

    public string? Value(string name) => Values(name).SingleOrDefault();

    public long? ContentLength => Value("Content-Length") is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : null;

    public bool IsChunked => Values("Transfer-Encoding").Any(v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase));
}

/// <summary>A complete response read by <see cref="RawHttpConnection"/>.</summary>
public sealed record RawResponse(RawResponseHead Head, byte[] Body)
{
    public int StatusCode => Head.StatusCode;

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A bare TCP connection that speaks just enough HTTP/1.1 by hand to control every byte of a request
/// (no client normalises the target or the headers) and to read a response at the test's own pace.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <param name="receiveBufferSize">SO_RCVBUF, set before connecting so it also bounds the TCP window.</param>
    public static async Task<RawHttpConnection> OpenAsync(Uri baseAddress, int? receiveBufferSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }
        try
        {
            await socket.ConnectAsync(baseAddress.Host, baseAddress.Port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawHttpConnection(socket);
    }

    /// <summary>Sends text as Latin-1 bytes, one byte per character.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads a status line and its header fields, 1xx interim responses included.</summary>
    public async Task<RawResponseHead> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        var statusLine = await ReadLineAsync(cancellationToken) ?? throw new IOException("connection closed before a response");
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"not an HTTP/1.x status line: {statusLine}");
        }
        var headers = new List<(string, string)>();
        while (await ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add((line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }
        return new RawResponseHead(int.Parse(parts[1], CultureInfo.InvariantCulture), parts.Length > 2 ? parts[2] : "", headers);
    }

    /// <summary>Reads one whole response (skipping 1xx interim ones) and its body.</summary>
    public async Task<RawResponse> ReadResponseAsync(bool headRequest = false, CancellationToken cancellationToken = default)
    {
        var head = await ReadHeadAsync(cancellationToken);
        while (head.StatusCode is >= 100 and < 200)
        {
            head = await ReadHeadAsync(cancellationToken);
        }
        using var body = new MemoryStream();
        if (!headRequest)
        {
            await ReadBodyAsync(head, chunk => body.Write(chunk.Span), cancellationToken);
        }
        return new RawResponse(head, body.ToArray());
    }

    /// <summary>Passes the body of the response whose head was just read to <paramref name="sink"/>, piece by piece; returns its length.</summary>
    public async Task<long> ReadBodyAsync(RawResponseHead head, Action<ReadOnlyMemory<byte>> sink, CancellationToken cancellationToken = default)
    {
        if (head.StatusCode is 204 or 304)
        {
            return 0;
        }
        if (head.IsChunked)
        {
            long total = 0;
            while (true)
            {
                var sizeLine = await ReadLineAsync(cancellationToken) ?? throw new IOException("connection closed in a chunk size line");
                var size = long.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (await ReadLineAsync(cancellationToken) is { Length: > 0 })
                    {
                        // trailer fields
                    }
                    return total;
                }
                await ReadExactlyAsync(size, sink, cancellationToken);
                total += size;
                if (await ReadLineAsync(cancellationToken) is not "")
                {
                    throw new InvalidDataException("missing CRLF after chunk data");
                }
            }
        }
        if (head.ContentLength is { } length)
        {
            await ReadExactlyAsync(length, sink, cancellationToken);
            return length;
        }
        long read = 0;
        while (_start < _end || await FillAsync(cancellationToken))
        {
            read += _end - _start;
            sink(_buffer.AsMemory(_start, _end - _start));
            _start = _end;
        }
        return read;
    }

    /// <summary>Reads an exact number of body bytes.</summary>
    public async Task ReadExactlyAsync(long count, Action<ReadOnlyMemory<byte>> sink, CancellationToken cancellationToken = default)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw new IOException($"connection closed with {count} body bytes still expected");
            }
            var take = (int)Math.Min(count, _end - _start);
            sink(_buffer.AsMemory(_start, take));
            _start += take;
            count -= take;
        }
    }

    /// <summary>Reads one CRLF-terminated line as Latin-1, without the CRLF; null if the connection closed first.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return line.Length == 0 ? null : throw new IOException("connection closed mid-line");
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline < 0)
            {
                line.Append(Encoding.Latin1.GetString(_buffer, _start, _end - _start));
                _start = _end;
                continue;
            }
            line.Append(Encoding.Latin1.GetString(_buffer, _start, newline - _start));
            _start = newline + 1;
            return line.ToString().TrimEnd('\r');
        }
    }

    /// <summary>True once the peer has closed the connection (reads as end of stream), having consumed nothing else.</summary>
    public async Task<bool> IsClosedByPeerAsync(CancellationToken cancellationToken = default) =>
        _start == _end && !await FillAsync(cancellationToken);

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, cancellationToken);
        return _end > 0;
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
