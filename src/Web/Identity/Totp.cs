using System.Security.Cryptography;
using System.Text;

namespace SupervisionHub.Web.Identity;

/// <summary>
/// Time-based one-time codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as authenticator apps
/// make them, for the operator's account, which is not an ASP.NET Core Identity user. A code is
/// accepted for the step before, the current step and the one after (clocks drift), and only for a
/// step later than the last one accepted, so a code seen over someone's shoulder cannot be used again.
/// </summary>
public static class Totp
{
    public const int StepSeconds = 30;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>A new 160-bit key in base32, as authenticator apps take it.</summary>
    public static string NewKey() => ToBase32(RandomNumberGenerator.GetBytes(20));

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The step the typed code belongs to, or null when it matches none allowed now.</summary>
    public static long? Match(string base32Key, string typed, DateTimeOffset now, long lastAcceptedStep)
    {
        var digits = typed.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit)) return null;
        var key = FromBase32(base32Key);
        var current = StepAt(now);
        long? matched = null;
        for (var step = current - 1; step <= current + 1; step++)
            if (step > lastAcceptedStep && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(key, step)), Encoding.ASCII.GetBytes(digits)))
                matched ??= step;
        return matched;
    }

    /// <summary>The otpauth:// address an app reads from a QR code or a link.</summary>
    public static string AuthenticatorUri(string base32Key, string account) =>
        $"otpauth://totp/SupervisionHub:{Uri.EscapeDataString(account)}?secret={base32Key}&issuer=SupervisionHub&digits=6";

    /// <summary>The key as people type it: groups of four, lower case.</summary>
    public static string Display(string base32Key) => string.Join(' ', base32Key.Chunk(4).Select(c => new string(c))).ToLowerInvariant();

    private static string Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238 authenticator apps use HMAC-SHA1
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var value = ((hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3]) % 1_000_000;
        return value.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string ToBase32(byte[] bytes)
    {
        var sb = new StringBuilder();
        for (var bit = 0; bit < bytes.Length * 8; bit += 5)
        {
            var value = 0;
            for (var i = 0; i < 5; i++)
            {
                var b = bit + i;
                value = (value << 1) | (b < bytes.Length * 8 ? (bytes[b / 8] >> (7 - b % 8)) & 1 : 0);
            }
            sb.Append(Alphabet[value]);
        }
        return sb.ToString();
    }

    private static byte[] FromBase32(string text)
    {
        var clean = text.Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        var bytes = new byte[clean.Length * 5 / 8];
        for (var i = 0; i < bytes.Length * 8; i++)
        {
            var value = Alphabet.IndexOf(clean[i / 5], StringComparison.Ordinal);
            if (value < 0) throw new FormatException("Not a base32 key.");
            if (((value >> (4 - i % 5)) & 1) == 1) bytes[i / 8] |= (byte)(0x80 >> (i % 8));
        }
        return bytes;
    }
}
