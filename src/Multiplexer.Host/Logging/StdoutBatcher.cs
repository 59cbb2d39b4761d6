namespace Multiplexer.Host.Logging;

/// <summary>
/// Collects formatted lines in large buffers and writes them to a stream from one thread of its own: when
/// a buffer fills, and otherwise within <see cref="FlushInterval"/> of the first line waiting, so a line
/// costs a copy, not a wake-up and a write. When the stream does not take what is written (a pipe nobody
/// reads) and every buffer is full, lines are dropped and counted: a logging call never blocks.
/// </summary>
internal sealed class StdoutBatcher : IDisposable
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    private const int BufferSize = 64 * 1024;
    private const int BufferCount = 4;
    private static readonly TimeSpan LastFlushTimeout = TimeSpan.FromSeconds(2);

    private readonly Stream _output;
    private readonly Action _onDropped;
    private readonly object _gate = new();
    private readonly Queue<(byte[] Buffer, int Length)> _full = new();
    private readonly Stack<byte[]> _free = new();
    private readonly Thread _writer;
    private byte[] _current = new byte[BufferSize];
    private int _length;
    private bool _writerIdle;
    private bool _writerLingering;
    private bool _stopping;
    private bool _stopped;

    public StdoutBatcher(Stream output, Action onDropped)
    {
        _output = output;
        _onDropped = onDropped;
        for (var i = 1; i < BufferCount; i++)
        {
            _free.Push(new byte[BufferSize]);
        }
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "log writer" };
        _writer.Start();
    }

    public void Append(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                // Past shutdown nothing batches any more: the few last lines go straight out.
                Write(line);
                return;
            }
            if (TryCopyLocked(line))
            {
                if (_writerIdle || (_writerLingering && _full.Count > 0))
                {
                    Monitor.Pulse(_gate);
                }
                return;
            }
        }
        _onDropped();
    }

    /// <summary>Writes what is buffered and stops the writer; waits a bounded time, as stdout may be blocked.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
            Monitor.Pulse(_gate);
        }
        _writer.Join(LastFlushTimeout);
    }

    private bool TryCopyLocked(ReadOnlySpan<byte> line)
    {
        var room = BufferSize - _length;
        if (line.Length > room && (line.Length - room + BufferSize - 1) / BufferSize > _free.Count)
        {
            return false;
        }
        while (line.Length > 0)
        {
            if (_length == BufferSize)
            {
                _full.Enqueue((_current, _length));
                _current = _free.Pop();
                _length = 0;
            }
            var part = Math.Min(line.Length, BufferSize - _length);
            line[..part].CopyTo(_current.AsSpan(_length));
            _length += part;
            line = line[part..];
        }
        return true;
    }

    private void WriteLoop()
    {
        var batch = new List<(byte[] Buffer, int Length)>(BufferCount);
        while (true)
        {
            bool last;
            lock (_gate)
            {
                while (_length == 0 && _full.Count == 0 && !_stopping)
                {
                    _writerIdle = true;
                    Monitor.Wait(_gate);
                    _writerIdle = false;
                }
                // The first line waits for company: more lines come in the same write.
                if (_full.Count == 0 && !_stopping)
                {
                    _writerLingering = true;
                    Monitor.Wait(_gate, FlushInterval);
                    _writerLingering = false;
                }
                batch.AddRange(_full);
                _full.Clear();
                if (_length > 0 && _free.Count > 0)
                {
                    batch.Add((_current, _length));
                    _current = _free.Pop();
                    _length = 0;
                }
                last = _stopping && _length == 0;
            }
            Write(batch);
            lock (_gate)
            {
                batch.ForEach(written => _free.Push(written.Buffer));
                _stopped = last;
            }
            batch.Clear();
            if (last)
            {
                return;
            }
        }
    }

    private void Write(List<(byte[] Buffer, int Length)> batch)
    {
        foreach (var (buffer, length) in batch)
        {
            Write(buffer.AsSpan(0, length));
        }
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _output.Write(bytes);
        }
        catch (IOException)
        {
            // Nowhere left to report it: stdout itself failed.
        }
    }
}
