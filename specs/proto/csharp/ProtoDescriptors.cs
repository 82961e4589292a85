namespace PrivateFl.Protocol.V1;

/// <summary>
/// Builds the descriptors of the PrivateFl protocol files and of the <c>google.rpc</c> details once, on one thread,
/// before any call is served or sent.
/// </summary>
/// <remarks>
/// Google.Protobuf's C# runtime caches extensions in a static <c>Dictionary</c> while it builds a file descriptor, and
/// that cache is not thread-safe (protocolbuffers/protobuf#29696, open): when two threads build descriptors that share
/// dependencies for the first time, the dictionary can be corrupted, and every later touch of those descriptors throws
/// <see cref="System.TypeInitializationException"/> until the process restarts. The server's crash test met it: after a
/// restart, concurrent first calls left the server unable to serve any call. Building them all here, under a lock,
/// before the first call removes the race. This file is compiled into each assembly that generates the protocol code.
/// </remarks>
internal static class ProtoDescriptors
{
    private static readonly Lock Gate = new();
    private static volatile bool s_built;

    /// <summary>Builds every descriptor the protocol uses; cheap after the first call.</summary>
    public static void EnsureBuilt()
    {
        if (s_built)
        {
            return;
        }

        lock (Gate)
        {
            if (s_built)
            {
                return;
            }

            _ = CommonReflection.Descriptor;
            _ = FederationReflection.Descriptor;
            _ = AdminReflection.Descriptor;
            _ = Google.Rpc.ErrorDetailsReflection.Descriptor;
            _ = Google.Rpc.StatusReflection.Descriptor;
            _ = Google.Protobuf.WellKnownTypes.AnyReflection.Descriptor;
            s_built = true;
        }
    }
}
