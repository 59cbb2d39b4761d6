using System.Security.Cryptography;

namespace Multiplexer.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Request and response bodies of any size without holding them in memory: content generated on the fly
/// and hashed as it goes, and a checker for the workers' <c>/bytes</c> pattern (byte i is i % 251).
/// </summary>
public static class Bodies
{
    /// <summary>A read-once stream of <paramref name="length"/> pseudo-random bytes fixed by <paramref name="seed"/>; its SHA-256 is known once read to the end.</summary>
    public static GeneratedStream Random(long length, int seed = 1) => new(length, seed);

    /// <summary>An upload of known length (sent with Content-Length).</summary>
    public static HttpContent Sized(GeneratedStream source)
    {
        var content = new StreamContent(source, 64 * 1024);
        content.Headers.ContentLength = source.Length;
        return content;
    }

    /// <summary>An upload of unknown length (sent chunked).</summary>
    public static HttpContent Chunked(GeneratedStream source) => new StreamContent(source, 64 * 1024);

    /// <summary>SHA-256 of the first <paramref name="length"/> bytes of the /bytes pattern.</summary>
    public static string PatternSha256(long length)
    {
        var check = new PatternCheck();
        var chunk = new byte[64 * 1024 + 251];
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = (byte)(i % 251);
        }
        for (long offset = 0; offset < length;)
        {
            var take = (int)Math.Min(64 * 1024, length - offset);
            check.Append(chunk.AsSpan((int)(offset % 251), take));
            offset += take;
        }
        return check.Sha256;
    }

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}

/// <summary>Hashes a received /bytes body and checks, byte by byte, that byte i is i % 251.</summary>
public sealed class PatternCheck
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _sha256;

    public long Length { get; private set; }

    /// <summary>Offset of the first byte that broke the pattern, or -1.</summary>
    public long FirstMismatch { get; private set; } = -1;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (FirstMismatch < 0)
        {
            var expected = (int)(Length % 251);
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != expected)
                {
                    FirstMismatch = Length + i;
                    break;
                }
                expected = expected == 250 ? 0 : expected + 1;
            }
        }
        _hash.AppendData(bytes);
        Length += bytes.Length;
    }

    public string Sha256 => _sha256 ??= Bodies.Hex(_hash.GetHashAndReset());

    /// <summary>Reads a stream to its end through the check.</summary>
    public static async Task<PatternCheck> ReadAsync(Stream stream)
    {
        var check = new PatternCheck();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            check.Append(buffer.AsSpan(0, read));
        }
        return check;
    }
}

/// <summary>Deterministic pseudo-random content (xorshift64*) produced as it is read, never all in memory.</summary>
public sealed class GeneratedStream(long length, int seed) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ulong _state = 0x9E3779B97F4A7C15UL ^ (ulong)seed;
    private long _position;
    private string? _sha256;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>SHA-256 of everything produced; only valid once the stream has been read to its end.</summary>
    public string Sha256 => _position == length
        ? _sha256 ??= Bodies.Hex(_hash.GetHashAndReset())
        : throw new InvalidOperationException($"only {_position} of {length} bytes were read");

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var take = (int)Math.Min(buffer.Length & ~7, length - _position);
        if (take <= 0 && _position < length)
        {
            take = (int)Math.Min(buffer.Length, length - _position);
        }
        var span = buffer[..take];
        for (var i = 0; i < take; i += 8)
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            var value = _state * 0x2545F4914F6CDD1DUL;
            for (var b = 0; b < 8 && i + b < take; b++)
            {
                span[i + b] = (byte)(value >> (8 * b));
            }
        }
        _hash.AppendData(span);
        _position += take;
        return take;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
