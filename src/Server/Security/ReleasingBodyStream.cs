namespace PrivateFl.Server.Security;

/// <summary>
/// The buffered request frame handed on to gRPC. Returns its bytes to the <see cref="CallLimiter"/> budget once read
/// to the end, so that a long poll does not hold the budget after its message was parsed.
/// </summary>
internal sealed class ReleasingBodyStream(byte[] frame, int length, Action release) : MemoryStream(frame, 0, length, writable: false)
{
    private int _released;

    public override int Read(byte[] buffer, int offset, int count) => Released(base.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Released(base.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Released(await base.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Released(await base.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    /// <summary>Releases the budget (once), also when the call ends before the body was read.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        Release();
        base.Dispose(disposing);
    }

    private int Released(int read)
    {
        if (read == 0)
        {
            Release();
        }

        return read;
    }
}
