using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace Multiplexer.Host.Proxy;

/// <summary>
/// The part of a response the client has not yet taken, oldest first: in pooled memory segments up to a
/// limit, beyond it in a temporary file that is deleted when closed. Memory only ever holds what is older
/// than everything in the file, so taking memory first and then the file keeps the bytes in order.
/// Not thread-safe: <see cref="ResponseSpool"/> guards every call but <see cref="CopyFromFile"/>.
/// </summary>
internal sealed class Backlog : IDisposable
{
    private const int SegmentSize = 16 * 1024;

    /// <summary>The most taken from the file at once, so the client gets it in pieces as they are read.</summary>
    private const int FileReadSize = 64 * 1024;

    private readonly int _memoryLimit;
    private readonly Queue<ArraySegment<byte>> _segments = new();
    private byte[]? _tail;
    private int _tailCount;
    private long _memoryBytes;
    private SafeFileHandle? _file;
    private long _fileHead;
    private long _fileTail;

    public Backlog(int memoryLimit) => _memoryLimit = memoryLimit;

    public bool IsEmpty => _memoryBytes == 0 && _fileHead == _fileTail;

    /// <summary>Whether <paramref name="length"/> more bytes would be kept in memory now.</summary>
    public bool FitsInMemory(int length) => _fileHead == _fileTail && _memoryBytes + length <= _memoryLimit;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (FitsInMemory(data.Length))
        {
            AppendToMemory(data);
        }
        else
        {
            AppendToFile(data);
        }
    }

    /// <summary>Copies everything held in memory into <paramref name="writer"/> and frees it; false if memory held nothing.</summary>
    public bool MoveMemoryTo(PipeWriter writer)
    {
        if (_memoryBytes == 0)
        {
            return false;
        }
        while (_segments.TryDequeue(out var segment))
        {
            writer.Write(segment.AsSpan());
            ArrayPool<byte>.Shared.Return(segment.Array!);
        }
        if (_tail is not null)
        {
            writer.Write(_tail.AsSpan(0, _tailCount));
            ArrayPool<byte>.Shared.Return(_tail);
            _tail = null;
            _tailCount = 0;
        }
        _memoryBytes = 0;
        return true;
    }

    /// <summary>
    /// Takes the oldest piece of the file for <see cref="CopyFromFile"/>; false if the file holds nothing.
    /// The file is written from its start again once the previous piece taken was the last.
    /// </summary>
    public bool TakeFromFile(out long offset, out int length)
    {
        if (_fileHead == _fileTail)
        {
            _fileHead = _fileTail = 0;
            offset = length = 0;
            return false;
        }
        offset = _fileHead;
        length = (int)Math.Min(FileReadSize, _fileTail - _fileHead);
        _fileHead += length;
        return true;
    }

    /// <summary>Reads a piece taken from the file straight into <paramref name="writer"/>'s memory; safe beside appends, which write past it.</summary>
    public void CopyFromFile(long offset, int length, PipeWriter writer)
    {
        while (length > 0)
        {
            var span = writer.GetSpan(length);
            var read = RandomAccess.Read(_file!, span[..Math.Min(span.Length, length)], offset);
            if (read == 0)
            {
                throw new IOException("the response's temporary file ended early");
            }
            writer.Advance(read);
            offset += read;
            length -= read;
        }
    }

    /// <summary>Frees the memory and closes (so deletes) the file.</summary>
    public void Dispose()
    {
        while (_segments.TryDequeue(out var segment))
        {
            ArrayPool<byte>.Shared.Return(segment.Array!);
        }
        if (_tail is not null)
        {
            ArrayPool<byte>.Shared.Return(_tail);
            _tail = null;
        }
        _memoryBytes = 0;
        _file?.Dispose();
        _file = null;
        _fileHead = _fileTail = 0;
    }

    private void AppendToMemory(ReadOnlySpan<byte> data)
    {
        _memoryBytes += data.Length;
        while (!data.IsEmpty)
        {
            if (_tail is null || _tailCount == _tail.Length)
            {
                if (_tail is not null)
                {
                    _segments.Enqueue(new ArraySegment<byte>(_tail, 0, _tailCount));
                }
                _tail = ArrayPool<byte>.Shared.Rent(SegmentSize);
                _tailCount = 0;
            }
            var take = Math.Min(data.Length, _tail.Length - _tailCount);
            data[..take].CopyTo(_tail.AsSpan(_tailCount));
            _tailCount += take;
            data = data[take..];
        }
    }

    private void AppendToFile(ReadOnlySpan<byte> data)
    {
        _file ??= File.OpenHandle(Path.Combine(TempDirectory, $"multiplexer-response-{Guid.NewGuid():N}.tmp"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        RandomAccess.Write(_file, data, _fileTail);
        _fileTail += data.Length;
    }

    /// <summary>Where ASP.NET Core puts its own temporary files, request bodies among them.</summary>
    private static string TempDirectory =>
        Environment.GetEnvironmentVariable("ASPNETCORE_TEMP") is { Length: > 0 } configured ? configured : Path.GetTempPath();
}
