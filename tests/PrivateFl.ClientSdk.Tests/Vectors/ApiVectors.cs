using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Tests.Vectors;

/// <summary>
/// Builds <c>specs/vectors/api-v1.json</c> from the code: the call signature of specs/api.md and the canonical
/// schema JSON and hash of specs/schema.md.
/// </summary>
internal static class ApiVectors
{
    public const string FileName = "api-v1.json";
    public const long TimestampMs = 1798761600000;

    public static readonly byte[] IdentitySeed = SHA256.HashData("privatefl/vectors/call-identity"u8);

    public static JsonObject Generate() => new()
    {
        ["format"] = "privatefl-vectors/1",
        ["api"] = "specs/api.md and specs/schema.md, version 1",
        ["encoding"] = "Byte strings are lowercase hex; header values are the exact text sent.",
        ["call_signature"] = CallSignatures(),
        ["schema"] = Schemas(),
    };

    /// <summary>
    /// The request bytes of each case. The last is GetModel{session_id, version = 0} as another encoder may send it:
    /// version written explicitly and before session_id; it parses to the same message as the canonical bytes of the
    /// case before it, but its hash, and so its signature, is over the bytes as sent.
    /// </summary>
    public static IEnumerable<(string Name, string Method, string ClientId, byte[] Nonce, byte[] Body)> Cases()
    {
        var wait = new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "credit-2026", SchemaHash = CreditSchemas.GermanCredit.Hash };
        var model = new GetModelRequest { SessionId = "credit-2026" };
        var masked = new MaskedInputRequest
        {
            Round = new RoundRef { ProtocolVersion = ProtocolVersion._1, SessionId = "credit-2026", RoundNumber = 3 },
            VectorLength = 2,
            MaskedVector = ByteString.CopyFrom(1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff),
        };
        byte[] session = System.Text.Encoding.UTF8.GetBytes("credit-2026");
        byte[] explicitDefault = [0x10, 0x00, 0x0a, (byte)session.Length, .. session];
        yield return ("wait_for_round", "/privatefl.v1.Federation/WaitForRound", "bank-a", [.. Enumerable.Range(0, 16).Select(i => (byte)i)], wait.ToByteArray());
        yield return ("get_model_canonical", "/privatefl.v1.Federation/GetModel", "bank-b.eu_1", [.. Enumerable.Range(0xf0, 16).Select(i => (byte)i)], model.ToByteArray());
        yield return ("get_model_explicit_default", "/privatefl.v1.Federation/GetModel", "bank-b.eu_1", [.. Enumerable.Range(0xf0, 16).Select(i => (byte)i)], explicitDefault);
        yield return ("submit_masked_input", "/privatefl.v1.Federation/SubmitMaskedInput", "BANK-C", SHA256.HashData("nonce"u8)[..16], masked.ToByteArray());
    }

    private static JsonArray CallSignatures()
    {
        using SigningKey identity = SigningKey.Import(IdentitySeed);
        var vectors = new JsonArray();
        foreach ((string name, string method, string clientId, byte[] nonce, byte[] body) in Cases())
        {
            byte[] signedString = CallSignature.Payload(method, clientId, TimestampMs, nonce, body);
            byte[] signature = identity.Sign(signedString);
            vectors.Add(new JsonObject
            {
                ["name"] = name,
                ["method"] = method,
                ["client_id"] = clientId,
                ["timestamp_ms"] = TimestampMs,
                ["nonce"] = Convert.ToHexStringLower(nonce),
                ["request_bytes"] = Convert.ToHexStringLower(body),
                ["request_sha256"] = Convert.ToHexStringLower(SHA256.HashData(body)),
                ["signed_string"] = Convert.ToHexStringLower(signedString),
                ["identity_private_key"] = Convert.ToHexStringLower(IdentitySeed),
                ["identity_public_key"] = Convert.ToHexStringLower(identity.PublicKey),
                ["signature"] = Convert.ToHexStringLower(signature),
                ["headers"] = new JsonObject
                {
                    [CallSignature.ClientHeader] = clientId,
                    [CallSignature.TimestampHeader] = TimestampMs.ToString(CultureInfo.InvariantCulture),
                    [CallSignature.NonceHeader] = Convert.ToHexStringLower(nonce),
                    [CallSignature.BodyHashHeader] = CallSignature.BodyHashHeaderValue(body),
                    [CallSignature.SignatureHeader] = Convert.ToBase64String(signature),
                },
            });
        }

        return vectors;
    }

    /// <summary>A schema that exercises every rule: escapes, non-ASCII, a surrogate pair, alias order, number layouts.</summary>
    public static FeatureSchema Stress() => new(
        "stress \"quoted\" <&> 'name' + `tick` \\ / é",
        7,
        [
            FeatureColumn.Numeric("Tiny", -1e-7, 0.0001),
            FeatureColumn.Numeric("Huge", -1.7976931348623157e308, 1e17),
            FeatureColumn.Numeric("Wide", -0.0, 9999999999999998),
            FeatureColumn.Numeric("Third", 1.0 / 3, 2.5),
            FeatureColumn.Numeric("Exp", 1e-5, 1.2345678901234568e16),
            FeatureColumn.Categorical(
                "Ünïcödé 😀 Ω",
                ["a", "B", "ä", "Z", "😀", "ﬃ"],
                new Dictionary<string, string> { ["b"] = "B", ["A"] = "a", ["Ä"] = "ä", ["z"] = "Z", ["😃"] = "😀", ["\uFB00"] = "ﬃ", ["_"] = "a" },
                missingAs: "ä"),
            FeatureColumn.Categorical("plain", ["x", "y"]),
        ],
        "label/column",
        "yes+",
        "no&");

    private static JsonArray Schemas()
    {
        var vectors = new JsonArray();
        foreach (FeatureSchema schema in new[] { CreditSchemas.GermanCredit, CreditSchemas.TaiwanCredit, Stress() })
        {
            string json = schema.ToJson();
            vectors.Add(new JsonObject
            {
                ["name"] = schema.Name,
                ["canonical_json"] = json,
                ["canonical_json_utf8"] = Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(json)),
                ["hash"] = schema.Hash,
            });
        }

        return vectors;
    }
}
