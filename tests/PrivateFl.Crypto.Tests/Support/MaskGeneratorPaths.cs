using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Tests.Support;

/// <summary>Runs code with the mask generator's portable ECB construction instead of OpenSSL's CTR.</summary>
internal static class MaskGeneratorPaths
{
    private static readonly Lock Gate = new();

    public static void WithEcb(Action action)
    {
        // The switch is process-wide; other tests running meanwhile still get the same stream either way.
        lock (Gate)
        {
            bool previous = MaskGenerator.UseOpenSslCounterMode;
            MaskGenerator.UseOpenSslCounterMode = false;
            try
            {
                action();
            }
            finally
            {
                MaskGenerator.UseOpenSslCounterMode = previous;
            }
        }
    }
}
