//! The car as a drawing that follows the configuration: paint, wheel size, roof, styling.
//! Drawn as SVG by the app so it is crisp at every size and costs no download.

use leptos::prelude::*;

/// What the drawing shows.
#[derive(Clone, Debug, PartialEq)]
pub struct CarLook {
    /// CSS colour of the body.
    pub paint: String,
    /// Whether the paint is matte (no gloss highlight).
    pub matte: bool,
    /// Rim diameter in inches: 17, 18 or 19.
    pub wheel_inches: u8,
    /// Panoramic glass roof.
    pub glass_roof: bool,
    /// Sport styling: spoiler, skirts, dark rims.
    pub sport: bool,
}

impl Default for CarLook {
    fn default() -> Self {
        CarLook {
            paint: "#e9ebee".into(),
            matte: false,
            wheel_inches: 18,
            glass_roof: false,
            sport: false,
        }
    }
}

/// A side view of the car.
#[component]
pub fn CarIllustration(#[prop(into)] look: Signal<CarLook>) -> impl IntoView {
    // Integer-free of floats on purpose: formatting an f64 would pull the float printer
    // into the wasm bundle. Radii and the spokes' top edge are written out per wheel size.
    let rim = move || match look.get().wheel_inches {
        17 => ("25", "171"),
        18 => ("28", "168"),
        _ => ("31.5", "164.5"),
    };
    let wheel = move |cx: i32| {
        view! {
            <g class="car__wheel">
                <circle cx=cx cy="196" r="45" fill="#1b1d21"/>
                <circle cx=cx cy="196" r=move || rim().0 fill=move || if look.get().sport { "#3b3f46" } else { "#c7cbd1" }/>
                {(0..5)
                    .map(|i| {
                        let angle = i * 72;
                        view! {
                            <rect
                                x=cx - 3
                                y=move || rim().1
                                width="6"
                                height=move || rim().0
                                rx="3"
                                fill=move || if look.get().sport { "#1f2227" } else { "#8d939b" }
                                transform=format!("rotate({angle} {cx} 196)")
                            />
                        }
                    })
                    .collect_view()}
                <circle cx=cx cy="196" r="7" fill="#2a2d33"/>
            </g>
        }
    };
    view! {
        <svg class="car" viewBox="0 0 660 270" role="img" aria-label="car">
            <defs>
                <linearGradient id="car-gloss" x1="0" y1="0" x2="0" y2="1">
                    <stop offset="0" stop-color="#fff" stop-opacity="0.55"/>
                    <stop offset="0.45" stop-color="#fff" stop-opacity="0.05"/>
                    <stop offset="1" stop-color="#000" stop-opacity="0.18"/>
                </linearGradient>
                <linearGradient id="car-glass" x1="0" y1="0" x2="1" y2="1">
                    <stop offset="0" stop-color="#5b6b7d"/>
                    <stop offset="1" stop-color="#1c2530"/>
                </linearGradient>
            </defs>
            <ellipse cx="330" cy="243" rx="300" ry="14" fill="#000" opacity="0.12"/>
            <path
                class="car__body"
                d="M62 196 L58 162 Q60 140 96 131 L206 114 Q252 78 306 68 L446 66 Q526 70 574 118 L592 134 Q606 150 603 176 L598 196 L540 196 A58 58 0 0 0 424 196 L212 196 A58 58 0 0 0 96 196 Z"
                fill=move || look.get().paint
            />
            <path
                d="M62 196 L58 162 Q60 140 96 131 L206 114 Q252 78 306 68 L446 66 Q526 70 574 118 L592 134 Q606 150 603 176 L598 196 L540 196 A58 58 0 0 0 424 196 L212 196 A58 58 0 0 0 96 196 Z"
                fill="url(#car-gloss)"
                opacity=move || if look.get().matte { "0.25" } else { "1" }
            />
            <path d="M222 114 Q262 86 308 78 L436 76 Q500 80 544 116 Z" fill="url(#car-glass)"/>
            <line x1="378" y1="77" x2="378" y2="116" stroke=move || look.get().paint stroke-width="7"/>
            <Show when=move || look.get().glass_roof>
                <path d="M308 66 L446 64" stroke="#1c2530" stroke-width="7" stroke-linecap="round"/>
            </Show>
            <path d="M110 150 L214 136 M246 150 L560 150" stroke="#000" stroke-opacity="0.12" stroke-width="2" fill="none"/>
            <line x1="378" y1="118" x2="378" y2="190" stroke="#000" stroke-opacity="0.15" stroke-width="2"/>
            <rect x="318" y="128" width="26" height="5" rx="2.5" fill="#000" opacity="0.25"/>
            <rect x="440" y="128" width="26" height="5" rx="2.5" fill="#000" opacity="0.25"/>
            <path d="M64 146 L118 136" stroke="#f4f7fb" stroke-width="6" stroke-linecap="round"/>
            <path d="M590 138 L602 160" stroke="#d8283a" stroke-width="6" stroke-linecap="round"/>
            <Show when=move || look.get().sport>
                <path d="M540 70 L590 78 L586 86 L548 80 Z" fill="#1f2227"/>
                <path d="M214 198 L424 198" stroke="#1f2227" stroke-width="8"/>
            </Show>
            {wheel(154)}
            {wheel(482)}
        </svg>
    }
}
