using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PrivateFl.RestHost;

/// <summary>
/// The few Linux calls .NET does not expose: an open that never blocks (a FIFO would block a plain open until a writer
/// comes) and <c>statx</c> on the opened descriptor, whose layout, unlike <c>struct stat</c>, is the same on every
/// architecture. Flag values are those shared by x86-64 and arm64.
/// </summary>
internal static partial class LinuxFiles
{
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;
    public const int ENAMETOOLONG = 36;
    public const int ELOOP = 40;

    public const uint TypeMask = 0xF000;
    public const uint TypeFifo = 0x1000;
    public const uint TypeCharacterDevice = 0x2000;
    public const uint TypeDirectory = 0x4000;
    public const uint TypeBlockDevice = 0x6000;
    public const uint TypeRegular = 0x8000;
    public const uint TypeSymbolicLink = 0xA000;
    public const uint TypeSocket = 0xC000;

    private const int ReadOnly = 0;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int EmptyPath = 0x1000;
    private const uint BasicStats = 0x7FF;

    /// <summary>Opens for reading without blocking and without making a terminal the controlling one; null and the errno on failure.</summary>
    public static (SafeFileHandle? Handle, int Errno) OpenForReading(string path)
    {
        int descriptor = Open(path, ReadOnly | NonBlocking | NoControllingTerminal | CloseOnExec);
        return descriptor < 0 ? (null, Marshal.GetLastPInvokeError()) : (new SafeFileHandle(descriptor, ownsHandle: true), 0);
    }

    /// <summary>Type bits, link count and size of what the descriptor refers to.</summary>
    public static (uint Type, uint Links, long Size) Status(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[256];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (StatX((int)handle.DangerousGetHandle(), string.Empty, EmptyPath, BasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                throw new IOException($"statx failed with errno {Marshal.GetLastPInvokeError()}.");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        // struct statx: stx_nlink at 16 (u32), stx_mode at 28 (u16), stx_size at 40 (u64).
        uint links = BitConverter.ToUInt32(buffer[16..20]);
        uint mode = BitConverter.ToUInt16(buffer[28..30]);
        long size = (long)Math.Min(BitConverter.ToUInt64(buffer[40..48]), long.MaxValue);
        return (mode & TypeMask, links, size);
    }

    /// <summary>The path the kernel holds for an open descriptor: what was opened, whatever links led there.</summary>
    public static string? RealPath(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return new FileInfo($"/proc/self/fd/{(int)handle.DangerousGetHandle()}").LinkTarget;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int directory, string path, int flags, uint mask, ref byte buffer);
}
