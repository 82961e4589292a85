using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.Tests.Vectors;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Tests.Vectors;

/// <summary>Checks <c>specs/vectors/api-v1.json</c> against the code and against the rules of specs/api.md and specs/schema.md.</summary>
public sealed class ApiVectorTests
{
    private static readonly Lazy<JsonObject> File = new(() => VectorFile.Load(ApiVectors.FileName));

    [Fact]
    public void VectorFile_GeneratedFromCode_EqualsFile()
    {
        string? difference = VectorFile.WriteOrCompare(ApiVectors.FileName, ApiVectors.Generate());

        Assert.True(difference is null, $"specs/vectors/{ApiVectors.FileName} is stale ({difference}); regenerate it as specs/vectors/README.md says.");
    }

    [Fact]
    public void CallSignature_Vectors_SignTheFramedStringOverTheRequestBytesAsSent()
    {
        foreach (JsonNode? vector in File.Value["call_signature"]!.AsArray())
        {
            string method = vector!["method"]!.GetValue<string>();
            string clientId = vector["client_id"]!.GetValue<string>();
            long timestamp = vector["timestamp_ms"]!.GetValue<long>();
            byte[] nonce = Convert.FromHexString(vector["nonce"]!.GetValue<string>());
            byte[] body = Convert.FromHexString(vector["request_bytes"]!.GetValue<string>());
            byte[] timestampBytes = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(timestampBytes, timestamp);
            JsonNode headers = vector["headers"]!;

            // The signed string takes the 32 bytes the x-privatefl-body-sha256 header decodes to, never the body.
            string bodyHashHeader = headers["x-privatefl-body-sha256"]!.GetValue<string>();
            byte[] expected = [.. "privatefl/v1/call"u8, 0, .. System.Text.Encoding.UTF8.GetBytes(method), 0, .. System.Text.Encoding.UTF8.GetBytes(clientId), 0, .. timestampBytes, .. nonce, .. Convert.FromHexString(bodyHashHeader)];
            byte[] signature = Convert.FromHexString(vector["signature"]!.GetValue<string>());
            byte[] publicKey = Convert.FromHexString(vector["identity_public_key"]!.GetValue<string>());

            Assert.Matches("^[0-9a-f]{64}$", bodyHashHeader);
            Assert.Equal(SHA256.HashData(body), Convert.FromHexString(bodyHashHeader));
            Assert.Equal(5, headers.AsObject().Count);
            Assert.Equal(clientId, headers["x-privatefl-client"]!.GetValue<string>());

            Assert.Equal(vector["request_sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(body)));
            Assert.Equal(vector["signed_string"]!.GetValue<string>(), Convert.ToHexStringLower(expected));
            Assert.Equal(expected, CallSignature.Payload(method, clientId, timestamp, nonce, body));
            Assert.Equal(bodyHashHeader, CallSignature.BodyHashHeaderValue(body));
            Assert.True(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(signature, 0, publicKey, 0, expected, 0, expected.Length));
            Assert.Equal(Convert.ToBase64String(signature), headers[CallSignature.SignatureHeader]!.GetValue<string>());
            Assert.Equal(Convert.ToHexStringLower(nonce), headers[CallSignature.NonceHeader]!.GetValue<string>());
            Assert.Equal(timestamp.ToString(CultureInfo.InvariantCulture), headers[CallSignature.TimestampHeader]!.GetValue<string>());
        }
    }

    [Fact]
    public void CallSignature_ExplicitDefaultEncoding_HashesTheBytesAsSentNotAReserialisation()
    {
        JsonArray vectors = File.Value["call_signature"]!.AsArray();
        byte[] canonical = Convert.FromHexString(vectors.First(v => v!["name"]!.GetValue<string>() == "get_model_canonical")!["request_bytes"]!.GetValue<string>());
        JsonNode explicitCase = vectors.First(v => v!["name"]!.GetValue<string>() == "get_model_explicit_default")!;
        byte[] sent = Convert.FromHexString(explicitCase["request_bytes"]!.GetValue<string>());

        GetModelRequest parsed = GetModelRequest.Parser.ParseFrom(sent);

        Assert.Equal(GetModelRequest.Parser.ParseFrom(canonical), parsed);
        Assert.Equal(canonical, parsed.ToByteArray());
        Assert.NotEqual(sent, parsed.ToByteArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(sent)), explicitCase["request_sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallSigningInterceptor_SignedCall_CarriesTheHeadersAndSignatureOfTheSpec()
    {
        using SigningKey identity = SigningKey.Import(ApiVectors.IdentitySeed);
        var interceptor = new CallSigningInterceptor("bank-a", identity, new FixedTime(DateTimeOffset.FromUnixTimeMilliseconds(ApiVectors.TimestampMs)));
        var request = new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "credit-2026", SchemaHash = CreditSchemas.GermanCredit.Hash };
        var method = new Method<WaitForRoundRequest, RoundAnnouncement>(MethodType.Unary, "privatefl.v1.Federation", "WaitForRound", Marshallers.Create((WaitForRoundRequest r) => r.ToByteArray(), WaitForRoundRequest.Parser.ParseFrom), Marshallers.Create((RoundAnnouncement r) => r.ToByteArray(), RoundAnnouncement.Parser.ParseFrom));
        Metadata? sent = null;

        using AsyncUnaryCall<RoundAnnouncement> call = interceptor.AsyncUnaryCall(
            request,
            new ClientInterceptorContext<WaitForRoundRequest, RoundAnnouncement>(method, null, default(CallOptions)),
            (r, context) =>
            {
                sent = context.Options.Headers;
                return new AsyncUnaryCall<RoundAnnouncement>(Task.FromResult(new RoundAnnouncement()), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
            });
        await call.ResponseAsync;

        string nonceText = sent!.GetValue(CallSignature.NonceHeader)!;
        byte[] payload = CallSignature.Payload("/privatefl.v1.Federation/WaitForRound", "bank-a", ApiVectors.TimestampMs, Convert.FromHexString(nonceText), request.ToByteArray());
        Assert.Equal("bank-a", sent.GetValue(CallSignature.ClientHeader));
        Assert.Equal("1798761600000", sent.GetValue(CallSignature.TimestampHeader));
        Assert.Matches("^[0-9a-f]{32}$", nonceText);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(request.ToByteArray())), sent.GetValue(CallSignature.BodyHashHeader));
        Assert.True(Signatures.Verify(identity.PublicKey, payload, Convert.FromBase64String(sent.GetValue(CallSignature.SignatureHeader)!)));
    }

    [Fact]
    public void Schema_Vectors_HashTheCanonicalJsonWrittenByTheRules()
    {
        foreach (JsonNode? vector in File.Value["schema"]!.AsArray())
        {
            string json = vector!["canonical_json"]!.GetValue<string>();
            FeatureSchema schema = FeatureSchema.FromJson(json);

            Assert.Equal(json, schema.ToJson());
            Assert.Equal(json, IndependentSchemaJson.Write(schema));
            Assert.True(json.All(c => c is >= ' ' and < (char)0x7F), "The canonical JSON is printable ASCII.");
            Assert.Equal(vector["canonical_json_utf8"]!.GetValue<string>(), Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(json)));
            Assert.Equal(vector["hash"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json))));
            Assert.Equal(vector["hash"]!.GetValue<string>(), schema.Hash);
        }
    }

    [Property(MaxTest = 300)]
    public bool SchemaJson_RandomSchema_EqualsTheWrittenRules(int seed)
    {
        FeatureSchema schema = RandomSchema(new Random(seed));

        return schema.ToJson() == IndependentSchemaJson.Write(schema);
    }

    [Property(MaxTest = 2000)]
    public bool SchemaNumber_AnyFiniteDouble_EqualsTheWrittenRules(long bits, int exponent)
    {
        // Half the cases are powers of two, where the rounding interval is asymmetric.
        double value = exponent % 2 == 0 ? BitConverter.Int64BitsToDouble(bits) : Math.ScaleB(bits % 2 == 0 ? 1 : -1, exponent % 1075);
        if (!double.IsFinite(value))
        {
            return true;
        }

        var schema = new FeatureSchema("n", 1, [FeatureColumn.Numeric("x", value, double.MaxValue == value ? double.MaxValue : Math.BitIncrement(value))], "y", "1", "0");
        return schema.ToJson() == IndependentSchemaJson.Write(schema);
    }

    [Fact]
    public void SchemaHash_CanonicallyEquivalentUnicode_IsNotNormalised()
    {
        FeatureSchema composed = new("s", 1, [FeatureColumn.Categorical("Caf\u00e9", ["x"])], "y", "1", "0");
        FeatureSchema decomposed = new("s", 1, [FeatureColumn.Categorical("Cafe\u0301", ["x"])], "y", "1", "0");

        Assert.Contains("Caf\\u00E9", composed.ToJson(), StringComparison.Ordinal);
        Assert.Contains("Cafe\\u0301", decomposed.ToJson(), StringComparison.Ordinal);
        Assert.NotEqual(composed.Hash, decomposed.Hash);
    }

    private static FeatureSchema RandomSchema(Random random)
    {
        const string Alphabet = "aZ09 _-./\"\\<>&'+`é€ΩﬃÄ\u00a0\u2028😀😃";
        string Token()
        {
            var chars = new List<string>();
            var elements = System.Globalization.StringInfo.GetTextElementEnumerator(Alphabet);
            var pieces = new List<string>();
            while (elements.MoveNext())
            {
                pieces.Add((string)elements.Current);
            }

            int length = random.Next(1, 8);
            for (int i = 0; i < length; i++)
            {
                chars.Add(pieces[random.Next(pieces.Count)]);
            }

            string token = string.Concat(chars).Trim();
            return token.Length == 0 ? "t" : token;
        }

        double Number() => random.Next(4) switch
        {
            0 => random.Next(-1000, 1000),
            1 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)),
            2 => BitConverter.Int64BitsToDouble(random.NextInt64()),
            _ => Math.ScaleB(1, random.Next(-1074, 1023)),
        };

        var columns = new List<FeatureColumn>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int count = random.Next(1, 5);
        for (int c = 0; c < count; c++)
        {
            string name = Token();
            if (!names.Add(name))
            {
                continue;
            }

            if (random.Next(2) == 0)
            {
                double a = Number();
                double b = Number();
                if (!double.IsFinite(a) || !double.IsFinite(b) || a == b)
                {
                    (a, b) = (0, 1);
                }

                FeatureColumn numeric = FeatureColumn.Numeric(name, Math.Min(a, b), Math.Max(a, b), random.Next(2) == 0 ? NumericTransform.None : NumericTransform.Log);
                columns.Add(random.Next(2) == 0 ? numeric : numeric.WithClipping());
            }
            else
            {
                string[] vocabulary = [.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => Token()).Distinct(StringComparer.Ordinal)];
                var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (string alias in Enumerable.Range(0, random.Next(0, 4)).Select(_ => Token()))
                {
                    if (!vocabulary.Contains(alias, StringComparer.Ordinal))
                    {
                        aliases[alias] = vocabulary[random.Next(vocabulary.Length)];
                    }
                }

                columns.Add(FeatureColumn.Categorical(name, vocabulary, aliases, random.Next(2) == 0 ? null : vocabulary[0]));
            }
        }

        string label = "label " + Token();
        return new FeatureSchema(Token(), random.Next(1, 1000), columns, names.Contains(label) ? label + "!" : label, "pos" + Token(), "neg" + Token());
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
