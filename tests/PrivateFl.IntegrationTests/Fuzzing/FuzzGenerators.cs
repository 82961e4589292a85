using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>
/// FsCheck generators of hostile request field values: random and boundary numbers, strings that are too long
/// or not identifiers, and byte strings of random content at lengths just around the valid ones (truncated,
/// one byte too long, empty) and occasionally large.
/// </summary>
internal static partial class FuzzGenerators
{
    /// <summary>Ids the fuzzer may create (enrolment, sessions): any generated id that is valid maps into this small pool, so that a long run cannot grow the database without bound.</summary>
    public const string PoolPrefix = "fz-";

    public static Gen<byte[]> Bytes(params int[] interesting) =>
        Gen.Frequency(
            (6, Gen.Elements([0, 1, .. interesting, .. interesting.Select(n => n - 1), .. interesting.Select(n => n + 1)]).Where(n => n >= 0).SelectMany(Filled)),
            (3, Gen.Choose(0, 300).SelectMany(Filled)),
            (1, Gen.Choose(0, 64 * 1024).SelectMany(Filled)));

    /// <summary>A byte string of this length: random, all zero, all ones, or X25519's small-order point u = 1.</summary>
    public static Gen<byte[]> Filled(int length) =>
        Gen.Zip(Gen.Choose(0, 9), Gen.Choose(int.MinValue, int.MaxValue), (kind, seed) =>
        {
            byte[] bytes = new byte[length];
            switch (kind)
            {
                case 0:
                    break;
                case 1:
                    Array.Fill(bytes, (byte)0xFF);
                    break;
                case 2 when length > 0:
                    bytes[0] = 1;
                    break;
                default:
                    new Random(seed).NextBytes(bytes);
                    break;
            }

            return bytes;
        });

    public static Gen<ByteString> ByteStrings(params int[] interesting) => Bytes(interesting).Select(ByteString.CopyFrom);

    public static Gen<string> Text(params string[] known) =>
        Gen.Frequency(
            (4, Gen.Elements(known.Length == 0 ? [string.Empty] : known)),
            (4, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty)),
            (1, Gen.Choose(60, 5000).Select(n => new string('a', n))),
            (1, Gen.Elements("\0", "a\0b", "../../etc/passwd", "'; DROP TABLE sessions; --", "\uD800", "é", " s", "s ", "S")));

    /// <summary>An id for something the fuzzer may create: a valid id is replaced by one of eight pool ids.</summary>
    public static Gen<string> CreatableId(params string[] known) =>
        Text(known).Select(s => !known.Contains(s) && IdPattern().IsMatch(s) ? $"{PoolPrefix}{s.Sum(c => c) % 8}" : s);

    public static Gen<long> Int64(params long[] known) =>
        Gen.Frequency(
            (4, Gen.Elements([0L, 1L, -1L, 2L, long.MaxValue, long.MinValue, int.MaxValue + 1L, .. known])),
            (3, Gen.Choose(-5, 100).Select(i => (long)i)),
            (2, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue), (a, b) => ((long)a << 32) | (uint)b)));

    public static Gen<uint> UInt32(params uint[] known) =>
        Gen.Frequency(
            (4, Gen.Elements([0u, 1u, 2u, 3u, 4u, uint.MaxValue, (uint)int.MaxValue, int.MaxValue + 1u, .. known])),
            (3, Gen.Choose(0, 100).Select(i => (uint)i)),
            (2, Gen.Choose(int.MinValue, int.MaxValue).Select(i => unchecked((uint)i))));

    public static Gen<double> Double() =>
        Gen.Frequency(
            (3, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.MaxValue, double.MinValue, double.Epsilon, -1.0, 1e-300, 0.5, 1.0, 2.0)),
            (3, ArbMap.Default.GeneratorFor<double>()),
            (3, Gen.Choose(0, 1_000_000).Select(i => i / 1_000_000.0)));

    /// <summary>An enum value: any defined one or a number outside the enum.</summary>
    public static Gen<T> Enum<T>()
        where T : struct, System.Enum =>
        Gen.Frequency(
            (4, Gen.Elements(System.Enum.GetValues<T>())),
            (1, Gen.Choose(-3, 1000).Select(i => (T)(object)i)));

    public static Gen<ProtocolVersion> Version() =>
        Gen.Frequency((6, Gen.Constant(ProtocolVersion._1)), (1, Enum<ProtocolVersion>()));

    public static Gen<RoundRef?> RoundRefs(string[] sessions, params long[] rounds) =>
        Gen.Frequency(
            (1, Gen.Constant<RoundRef?>(null)),
            (8, from version in Version()
                from session in Text(sessions)
                from round in Int64(rounds)
                select (RoundRef?)new RoundRef { ProtocolVersion = version, SessionId = session, RoundNumber = round }));

    /// <summary>A repeated field's length: mostly small, sometimes in the thousands.</summary>
    public static Gen<int> Count(params int[] known) =>
        Gen.Frequency((6, Gen.Elements([0, 1, 2, 3, .. known])), (3, Gen.Choose(0, 20)), (1, Gen.Choose(100, 3000)));

    public static Gen<T[]> ArrayOf<T>(Gen<T> element, params int[] counts) =>
        Count(counts).SelectMany(n => Gen.ArrayOf(element, n));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();
}
