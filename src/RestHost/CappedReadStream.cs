namespace PrivateFl.RestHost;

/// <summary>Reads at most a number of bytes from a stream, then reports the end and records that more was there (a file that grew after its size was checked).</summary>
internal sealed class CappedReadStream(Stream inner, long cap) : Stream
{
    private long _read;

    public bool Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_read >= cap)
        {
            Span<byte> probe = stackalloc byte[1];
            Exceeded |= inner.Read(probe) > 0;
            return 0;
        }

        int read = inner.Read(buffer[..(int)Math.Min(buffer.Length, cap - _read)]);
        _read += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
