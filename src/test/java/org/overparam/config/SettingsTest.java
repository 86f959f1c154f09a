package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.overparam.UserError;

/** The one settings reader: each range refused with the key's full name, what was expected and what was found. */
class SettingsTest {
    enum Kind {
        PLAIN,
        TWO_WORDS
    }

    static Settings settings(String hocon) {
        return new Settings(ConfigFactory.parseString(hocon), "section.sub");
    }

    @Test
    void valuesInRangeAreReadAndOthersRefusedNamingKeyExpectedAndFound() {
        Settings s = settings("a = 0.5, b = 0, c = 1, n = 3, z = -1, inf = Infinity");
        assertThat(s.positive("a")).isEqualTo(0.5);
        assertThat(s.nonNegative("b")).isZero();
        assertThat(s.unitInterval("b")).isZero();
        assertThat(s.openFraction("a")).isEqualTo(0.5);
        assertThat(s.positiveInt("n")).isEqualTo(3);
        assertThat(s.nonNegativeInt("b")).isZero();
        assertThat(assertThrows(UserError.class, () -> s.positive("b")).getMessage())
                .isEqualTo("section.sub.b: expected a finite number > 0, found 0.0.");
        assertThat(assertThrows(UserError.class, () -> s.positive("inf")).getMessage())
                .contains("found Infinity");
        assertThat(assertThrows(UserError.class, () -> s.unitInterval("c")).getMessage())
                .isEqualTo("section.sub.c: expected a number in [0, 1), found 1.0.");
        assertThat(assertThrows(UserError.class, () -> s.openFraction("b")).getMessage())
                .contains("(0, 1)");
        assertThat(assertThrows(UserError.class, () -> s.positiveInt("z")).getMessage())
                .isEqualTo("section.sub.z: expected an integer >= 1, found -1.");
        assertThat(assertThrows(UserError.class, () -> s.nonNegativeInt("z")).getMessage())
                .isEqualTo("section.sub.z: expected >= 0, found -1.");
    }

    @Test
    void aChoiceIsAnEnumConstantWrittenInLowerCaseWithHyphens() {
        Settings s = settings("k = \" Two-Words \", bad = three");
        assertThat(s.choice("k", Kind.class)).isEqualTo(Kind.TWO_WORDS);
        assertThat(Settings.id(Kind.TWO_WORDS)).isEqualTo("two-words");
        UserError e = assertThrows(UserError.class, () -> s.choice("bad", Kind.class, "the first", "the second"));
        assertThat(e.getMessage())
                .isEqualTo("section.sub.bad: expected plain (the first) | two-words (the second), found 'three'.");
    }
}
