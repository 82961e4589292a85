using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// Re-implementations of the protocol's building blocks from specs/protocol.md and the bare primitives
/// (HMAC-SHA256, AES block cipher, AES-GCM, BouncyCastle X25519 and Ed25519), not from PrivateFl's own
/// wrappers, so the golden vectors are checked against the text as well as against the code.
/// </summary>
internal static class Independent
{
    public static readonly BigInteger P = (BigInteger.One << 61) - 1;

    /// <summary>RFC 5869 extract-then-expand with HMAC-SHA256.</summary>
    public static byte[] Hkdf(byte[] ikm, byte[] salt, byte[] info, int length)
    {
        byte[] prk = HMACSHA256.HashData(salt.Length == 0 ? new byte[32] : salt, (ReadOnlySpan<byte>)ikm);
        var okm = new List<byte>();
        byte[] previous = [];
        for (byte counter = 1; okm.Count < length; counter++)
        {
            previous = HMACSHA256.HashData(prk, (byte[])[.. previous, .. info, counter]);
            okm.AddRange(previous);
        }

        return [.. okm.Take(length)];
    }

    public static byte[] LabelInfo(string label, byte[] context) => [.. System.Text.Encoding.ASCII.GetBytes(label), 0, .. context];

    public static byte[] Context(string session, long round, byte[] graphSeed)
    {
        byte[] roundBytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(roundBytes, round);
        return [(byte)session.Length, .. System.Text.Encoding.ASCII.GetBytes(session), .. roundBytes, .. graphSeed];
    }

    public static byte[] Framed(string domain, byte[] context, params uint[] words)
    {
        var bytes = new List<byte>([.. System.Text.Encoding.ASCII.GetBytes(domain), 0, .. context]);
        foreach (uint word in words)
        {
            bytes.AddRange(BitConverter.IsLittleEndian ? BitConverter.GetBytes(word) : [.. BitConverter.GetBytes(word).Reverse()]);
        }

        return [.. bytes];
    }

    /// <summary>AES-256 of the big-endian block counter 0, 1, … read as little-endian words (protocol.md §1.6).</summary>
    public static uint[] MaskWords(byte[] seed, int count)
    {
        using var aes = Aes.Create();
        aes.Key = seed;
        int blocks = (count + 3) / 4;
        byte[] counters = new byte[blocks * 16];
        for (int i = 0; i < blocks; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan((i * 16) + 8), (ulong)i);
        }

        byte[] stream = aes.EncryptEcb(counters, PaddingMode.None);
        return [.. Enumerable.Range(0, count).Select(j => BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(j * 4)))];
    }

    public static byte[] X25519PublicKey(byte[] privateKey)
    {
        byte[] publicKey = new byte[32];
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    public static byte[] X25519(byte[] privateKey, byte[] publicKey)
    {
        byte[] shared = new byte[32];
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMult(privateKey, 0, publicKey, 0, shared, 0);
        return shared;
    }

    public static bool Ed25519Verify(byte[] publicKey, byte[] message, byte[] signature) =>
        Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(signature, 0, publicKey, 0, message, 0, message.Length);

    public static byte[] Ed25519PublicKey(byte[] seed)
    {
        byte[] publicKey = new byte[32];
        Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.GeneratePublicKey(seed, 0, publicKey, 0);
        return publicKey;
    }

    public static byte[] AesGcmSeal(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData)
    {
        byte[] ciphertext = new byte[plaintext.Length];
        byte[] tag = new byte[16];
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        return [.. nonce, .. ciphertext, .. tag];
    }

    /// <summary>Reads a 68-byte share: uint32_le(x) then eight uint64_le field elements.</summary>
    public static (int X, BigInteger[] Values) DecodeShare(byte[] encoded)
    {
        int x = (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        BigInteger[] values = [.. Enumerable.Range(0, 8).Select(i => (BigInteger)BinaryPrimitives.ReadUInt64LittleEndian(encoded.AsSpan(4 + (8 * i))))];
        return (x, values);
    }

    /// <summary>Lagrange interpolation at 0 over GF(2^61 − 1), word by word, giving the 32-byte secret.</summary>
    public static byte[] Reconstruct(IReadOnlyList<(int X, BigInteger[] Values)> shares)
    {
        byte[] secret = new byte[32];
        for (int word = 0; word < 8; word++)
        {
            BigInteger sum = 0;
            foreach ((int xi, BigInteger[] values) in shares)
            {
                BigInteger numerator = 1;
                BigInteger denominator = 1;
                foreach ((int xj, _) in shares.Where(s => s.X != xi))
                {
                    numerator = numerator * (P - xj) % P;
                    denominator = denominator * (((xi - xj) % P) + P) % P;
                }

                sum = (sum + (values[word] * numerator % P * BigInteger.ModPow(denominator, P - 2, P))) % P;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(secret.AsSpan(word * 4), checked((uint)sum));
        }

        return secret;
    }

    public static BigInteger Evaluate(IReadOnlyList<BigInteger> coefficients, int x)
    {
        BigInteger value = 0;
        for (int i = coefficients.Count - 1; i >= 0; i--)
        {
            value = ((value * x) + coefficients[i]) % P;
        }

        return value;
    }
}
