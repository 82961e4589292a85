using System.Security.Cryptography;
using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Tests.Primitives;

public sealed class AeadTests
{
    // NIST GCM specification (McGrew and Viega), test case 16: AES-256, 60-byte plaintext, 20-byte AAD.
    private const string NistKey = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
    private const string NistNonce = "cafebabefacedbaddecaf888";
    private const string NistPlaintext = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
    private const string NistAssociatedData = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
    private const string NistCiphertext = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662";
    private const string NistTag = "76fc6ece0f4e1768cddf8853bb2d551b";

    [Fact]
    public void EncryptWithNonce_NistVector_GivesNonceCiphertextTag()
    {
        byte[] plaintext = Convert.FromHexString(NistPlaintext);
        byte[] message = new byte[plaintext.Length + Aead.Overhead];

        Aead.EncryptWithNonce(Convert.FromHexString(NistKey), Convert.FromHexString(NistNonce), plaintext, Convert.FromHexString(NistAssociatedData), message);

        Assert.Equal(NistNonce + NistCiphertext + NistTag, Convert.ToHexStringLower(message));
    }

    [Fact]
    public void Decrypt_NistVector_GivesPlaintext()
    {
        byte[] message = Convert.FromHexString(NistNonce + NistCiphertext + NistTag);

        byte[] plaintext = Aead.Decrypt(Convert.FromHexString(NistKey), message, Convert.FromHexString(NistAssociatedData));

        Assert.Equal(NistPlaintext, Convert.ToHexStringLower(plaintext));
    }

    [Property(MaxTest = 100)]
    public bool EncryptThenDecrypt_AnyPlaintext_RoundTrips(byte[] plaintext, byte[] associatedData)
    {
        byte[] key = RandomNumberGenerator.GetBytes(Aead.KeySize);

        byte[] message = Aead.Encrypt(key, plaintext, associatedData);

        return Aead.Decrypt(key, message, associatedData).AsSpan().SequenceEqual(plaintext);
    }

    [Property(MaxTest = 200)]
    public bool Decrypt_AnyBitFlipped_ThrowsAndZeroesPlaintext(NonEmptyArray<byte> plaintextSource, PositiveInt bitChoice)
    {
        byte[] plaintext = plaintextSource.Get;
        byte[] key = RandomNumberGenerator.GetBytes(Aead.KeySize);
        byte[] associatedData = [7, 7, 7];
        byte[] message = Aead.Encrypt(key, plaintext, associatedData);
        int bit = bitChoice.Get % (message.Length * 8);
        message[bit / 8] ^= (byte)(1 << (bit % 8));
        byte[] output = Enumerable.Repeat((byte)0xAA, plaintext.Length).ToArray();

        bool threw = false;
        try
        {
            Aead.Decrypt(key, message, associatedData, output);
        }
        catch (AuthenticationTagMismatchException)
        {
            threw = true;
        }

        return threw && output.All(b => b == 0);
    }

    [Fact]
    public void Decrypt_WrongKey_ThrowsAuthenticationTagMismatch()
    {
        byte[] message = Aead.Encrypt(new byte[32], "secret"u8, default);

        Assert.Throws<AuthenticationTagMismatchException>(() => Aead.Decrypt(RandomNumberGenerator.GetBytes(32), message, default));
    }

    [Fact]
    public void Decrypt_WrongAssociatedData_ThrowsAuthenticationTagMismatch()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] message = Aead.Encrypt(key, "secret"u8, "session 1, round 2, 3 to 4"u8);

        Assert.Throws<AuthenticationTagMismatchException>(() => Aead.Decrypt(key, message, "session 1, round 2, 3 to 5"u8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(27)]
    public void Decrypt_TruncatedMessage_ThrowsAuthenticationTagMismatch(int length)
    {
        Assert.Throws<AuthenticationTagMismatchException>(() => Aead.Decrypt(new byte[32], new byte[length], default));
    }

    [Fact]
    public void Encrypt_WrongKeyLength_ThrowsNamingKey()
    {
        Assert.Throws<ArgumentException>("key", () => Aead.Encrypt(new byte[16], "x"u8, default));
    }

    [Fact]
    public void Encrypt_SamePlaintextTwice_UsesFreshNonces()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);

        byte[] first = Aead.Encrypt(key, "same"u8, default);
        byte[] second = Aead.Encrypt(key, "same"u8, default);

        Assert.NotEqual(first[..Aead.NonceSize], second[..Aead.NonceSize]);
    }
}
