#!/usr/bin/env python3
"""Writes config/demo/feed.jsonl: one working day (2026-11-16) of posts about the fictional
Dutch airline Zeevlucht, in post format v1. Every sentence below is written by hand for this
demo; the script only adds ids, timestamps, authors and each network's markup.

    python3 config/demo/tools/make_feed.py > config/demo/feed.jsonl
"""
import datetime
import html
import json
import random
import sys

RNG = random.Random(20261116)

# handle -> (display name, followers, verified). Handles not listed get a plain profile.
PEOPLE = {
    "dolfkanters": ("Dolf Kanters", 850_000, True),
    "zeevlucht": ("Zeevlucht", 212_000, True),
    "zeevlucht_help": ("Zeevlucht Help", 48_300, True),
    "marieke_reist": ("Marieke de Wit", 1_240, False),
    "tom.vandenberg": ("Tom van den Berg", 388, False),
    "priya_travels": ("Priya Raman", 5_900, False),
    "jdekker": ("Jeroen Dekker", 97, False),
    "annaflies": ("Anna Fliesbeek", 2_310, False),
    "reisjournaal": ("Reisjournaal NL", 64_000, True),
    "luchtvaartnieuws_nl": ("Luchtvaartnieuws", 31_500, False),
    "schipholwatcher": ("Schiphol Watcher", 12_800, False),
    "henk1962": ("Henk Bos", 41, False),
    "sanne.k": ("Sanne Kuipers", 820, False),
    "mo_elamrani": ("Mohamed El Amrani", 1_530, False),
    "kimvdl": ("Kim van der Linden", 266, False),
    "oliver_hughes": ("Oliver Hughes", 730, False),
    "lisa.bakker": ("Lisa Bakker", 154, False),
    "famvanderveen": ("Familie van der Veen", 58, False),
    "ruud_fotografie": ("Ruud Smit Fotografie", 3_400, False),
    "frequentflyer_nl": ("Frequent Flyer NL", 18_200, False),
}

SITES = {
    "mastodon": "mastodon.nl",
    "bluesky": "bsky.app",
    "x": "x.com",
    "facebook": "facebook.com",
}

# (source, lang, handle, text, options). Options: key= names a post so that a later one can
# answer it with re=; burst=True puts it in the storm burst. Posts are in time order.
M, B, X, F = "mastodon", "bluesky", "x", "facebook"

MORNING = [
    (X, "nl", "henk1962", "Goedemorgen @zeevlucht, waarom staat de incheckbalie in Eindhoven om 6 uur nog dicht terwijl mijn vlucht om 7:10 gaat??"),
    (B, "en", "oliver_hughes", "Early flight with @zeevlucht to Bergen. Coffee in hand, gate B14, all good so far ☕"),
    (M, "nl", "sanne.k", "Zit op Schiphol, vlucht ZV1204 naar Kopenhagen staat al op 'delayed' zonder nieuwe tijd. Iemand meer info? #zeevlucht"),
    (F, "nl", "famvanderveen", "Wij vliegen vandaag met de kids naar Malaga met Zeevlucht, eerste keer vliegen voor onze jongste! Spannend 🙂"),
    (X, "en", "jdekker", "@zeevlucht your app logged me out and now it won't accept my password OR the reset link. Boarding in 40 min. Great."),
    (X, "nl", "lisa.bakker", "Rij van hier tot Tokio bij de bagage drop-off van Zeevlucht op Schiphol vertrek 2. Twee balies open. TWEE."),
    (B, "nl", "tom.vandenberg", "Koffer kwijt na aankomst uit Lissabon gisteravond, balie zei 'komt morgen'. Nu is het morgen. Niks gehoord. @zeevlucht.bsky.social", {"key": "tom1"}),
    (M, "en", "priya_travels", "Has anyone flown Zeevlucht long-haul? Wondering whether their premium economy is worth the extra €280 to Curaçao."),
    (X, "nl", "mo_elamrani", "@zeevlucht_help ik heb een stoel met extra beenruimte betaald (€45) maar zit nu gewoon op 27C. Hoe krijg ik dat geld terug?"),
    (F, "nl", "Greet Huisman", "Mijn man en ik zijn 74 en hebben rolstoelassistentie aangevraagd bij de boeking. Niemand bij de gate. Hij staat nu al een half uur. Dit kan toch niet Zeevlucht"),
    (X, "en", "oliver_hughes", "Update: boarding started 25 mins late, no announcement why. Not a big deal but a word from the crew would be nice @zeevlucht"),
    (B, "nl", "kimvdl", "zeevlucht app zegt 'er is iets misgegaan' bij het online inchecken. vier keer geprobeerd. nu maar naar de balie dan 🙄"),
    (M, "nl", "ruud_fotografie", "Prachtige zonsopkomst boven de Noordzee vanuit stoel 3A. Dank aan de crew van ZV881, heerlijk rustige vlucht."),
    (X, "en", "Karen_on_tour", "@zeevlucht flight ZV455 AMS-LHR cancelled at 5am by text message. No reason given. I have a meeting in London at 11. What now?", {"key": "karen1"}),
    (X, "en", "zeevlucht_help", "@Karen_on_tour Sorry to hear this, Karen. Please DM us your booking code and we'll look at the first available alternative right away. ^EV", {"re": "karen1"}),
    (X, "en", "Karen_on_tour", "@zeevlucht_help DM sent 10 minutes ago. Read, no reply. Next flight on your website shows 19:40. That's useless to me.", {"re": "karen1"}),
    (F, "nl", "Bert Jansen", "Vraagje: mag een powerbank van 20.000 mAh mee in de handbagage bij Zeevlucht? Kan het nergens vinden op de site."),
    (B, "en", "annaflies", "stuck on the tarmac at Schiphol for 50 minutes now. captain says 'slot restriction'. kids are melting down. @zeevlucht.bsky.social"),
    (X, "nl", "jdekker", "En nu zegt de balie dat ik zonder geldige instapkaart niet door de security kan. App werkt nog steeds niet. Bedankt @zeevlucht 😤"),
    (M, "en", "luchtvaartnieuws_nl", "Zeevlucht adds three weekly flights Amsterdam–Tromsø for the winter season, starting 14 December. Fares from €119 one way."),
    (X, "nl", "marieke_reist", "Heeft iemand ervaring met de bagagedienst van Zeevlucht? Mijn koffer staat sinds vrijdag op 'gelokaliseerd' en verder gebeurt er niks", {"key": "marieke1"}),
    (B, "nl", "sanne.k", "ZV1204 nu 2,5 uur vertraagd. Aansluiting in Kopenhagen naar Oslo gaat 100% mis. Wie regelt mijn omboeking?"),
    (F, "en", "Dave Morrison", "Booked a return to Dublin on the Zeevlucht website, payment went through twice!! €312 x2 on my credit card. Can someone PLEASE look at this"),
    (X, "nl", "Gert_vd_Meer", "Drie kwartier in de wacht bij de klantenservice van @zeevlucht en toen werd ik gewoon afgebroken. Opnieuw beginnen. Geweldig."),
    (M, "nl", "henk1962", "Uiteindelijk toch ingecheckt in Eindhoven. Balie ging om 6:20 open, één medewerker voor de hele rij. Vriendelijke man, maar dit is onderbezetting."),
    (X, "en", "travelwithnoor", "Shoutout to the Zeevlucht gate agent in Rome who rebooked my whole family in 5 minutes after our connection was missed. Legend 🙌"),
    (B, "nl", "famvanderveen", "Onze jongste was doodsbang bij het opstijgen, stewardess kwam met een kleurplaat en een vleugeltjesspeld. Top Zeevlucht ❤️"),
    (X, "nl", "lisa.bakker", "Update: 55 minuten in die rij gestaan. Vlucht gehaald, maar met de hakken over de sloot. @zeevlucht zet nou gewoon meer mensen neer op maandagochtend"),
    (M, "en", "oliver_hughes", "Wifi on this Zeevlucht flight: paid €8, connected for 4 minutes total. Refund please? #zeevlucht"),
    (X, "en", "vanessa_m", "Omg the Zeevlucht ad with the singing seagull is stuck in my head AGAIN 😂"),
    (F, "nl", "Ria de Groot", "Ik heb op 2 oktober een annulering gedaan en wacht nog steeds op mijn terugbetaling van €540. Al drie mails gestuurd. Geen enkele reactie Zeevlucht. Hoe lang nog?"),
    (B, "en", "priya_travels", "OK the replies convinced me, booked Zeevlucht premium economy to Curaçao for February. Let's see if the hype is real 🌴"),
    (X, "nl", "Pim_Vos", "Heeft @zeevlucht nou echt hun handbagage regels weer veranderd? Vorige maand mocht 10 kg, nu ineens 8?"),
    (M, "nl", "tom.vandenberg", "Bagagebalie gebeld: wachttijd 38 minuten. Daarna 'uw koffer staat in ons systeem, we bellen u'. Zelfde verhaal als gisteren. Er zitten mijn medicijnen in. @zeevlucht", {"re": "tom1"}),
    (X, "nl", "zeevlucht_help", "@tom.vandenberg Dat is heel vervelend Tom, zeker met medicijnen. Stuur je ons je PIR-nummer via DM? Dan kijken we direct waar je koffer is. ^LJ", {"re": "tom1"}),
    (X, "en", "mattyb", "@zeevlucht the seat pitch on ZV702 is criminal. I'm 1m91 and my knees are in my chin for 3 hours"),
    (B, "nl", "kimvdl", "wat is het verschil tussen Zeevlucht Light en Zeevlucht Standard eigenlijk? alleen de koffer? of ook stoelkeuze"),
    (X, "en", "jdekker", "Made it. Ran through Schiphol like it was the Olympics. No thanks to the @zeevlucht app which still says 'something went wrong'."),
    (F, "en", "Linda Chen", "Zeevlucht lost my daughter's car seat on a flight from Amsterdam to Boston. We have a 2 year old and no way to drive home from the airport. Absolutely unacceptable."),
    (M, "nl", "frequentflyer_nl", "Zeevlucht lounge Schiphol vandaag: koffiemachine kapot, broodjes op om 8:15. Voor €39 entree mag je wat meer verwachten. #zeevlucht #lounge"),
    (X, "nl", "Daan_Hendriks", "Mijn vlucht van @zeevlucht is 4 uur vertraagd, heb ik recht op compensatie? Iemand die dit weet?"),
    (X, "en", "Karen_on_tour", "@zeevlucht_help Now on hold on your phone line for 52 minutes. This is beyond a joke. Still no reply to my DM.", {"re": "karen1"}),
    (B, "en", "mariusz_k", "Zeevlucht crew on ZV330 from Gdańsk were so kind to my elderly mom who doesn't speak English. Thank you!!"),
    (X, "nl", "Gert_vd_Meer", "Tweede poging. 1 uur 10 in de wacht. Dit is geen klantenservice, dit is een wachtkamer. @zeevlucht #zeevlucht #klantenservice"),
    (M, "en", "anon_avgeek", "Spotted a Zeevlucht E195 in the new livery on the Polderbaan this morning, the teal looks great in the low sun ✈️"),
    (F, "nl", "Johan Veldman", "Zeevlucht heeft mijn golftas gebroken. Drie ijzers krom, tas gescheurd. Schademelding gedaan, automatisch antwoord 'binnen 30 dagen'. 30 dagen!"),
]

MIDDAY = [
    (X, "en", "dolfkanters", "Dear @zeevlucht. I have been performing in theatres for 30 years. Never have I seen a worse act than your so-called customer service. 2 hours on hold, then 'call back tomorrow'. Bravo. 👏👏👏", {"key": "dolf1"}),
    (X, "nl", "dolfkanters", "Mijn koffer met kostuums voor de show van vanavond in Carré is 'onderweg'. Onderweg waarheen, @zeevlucht? Naar Timboektoe? Ik sta vanavond dus in mijn onderbroek op het podium. Kom gerust kijken.", {"re": "dolf1"}),
    (X, "en", "zeevlucht_help", "@dolfkanters We're so sorry, Dolf. We've found your suitcase in Copenhagen and it's on the 11:40 to Amsterdam; a courier will bring it straight to Carré. Our manager will call you within the hour. ^MK", {"re": "dolf1"}),
    (X, "nl", "schipholwatcher", "Oei. @dolfkanters vs @zeevlucht. Dit gaat viral. 🍿"),
    (B, "nl", "reisjournaal", "Cabaretier Dolf Kanters haalt hard uit naar Zeevlucht na zoekgeraakte koffer met kostuums. Maatschappij belooft koerier naar Carré."),
    (X, "nl", "Ilse_Brouwer", "Als zelfs @dolfkanters twee uur in de wacht staat bij Zeevlucht, wat maken wij gewone mensen dan mee. Ik wacht al 3 weken op antwoord over mijn kapotte koffer."),
    (M, "nl", "marieke_reist", "Dag 4 zonder koffer. Zeevlucht zegt 'gelokaliseerd in Madrid'. Ik ben in Sevilla. Niemand die een koerier regelt. Ik draag nu al 3 dagen dezelfde broek.", {"re": "marieke1"}),
    (X, "en", "sportsdad77", "@zeevlucht paid for 2 checked bags on the website, at check-in the desk says only 1 is registered. Had to pay AGAIN €65 at the airport."),
    (F, "en", "Emma Whitfield", "Just want to say the Zeevlucht staff at Bergen airport went above and beyond when my flight was cancelled yesterday. Hotel, dinner voucher, and a new flight this morning. Thank you Sigrid!"),
    (X, "nl", "Koen_ICT", "Is de site van @zeevlucht plat? Krijg alleen maar 'Service Unavailable' bij het betalen"),
    (B, "nl", "Koen_ICT", "@zeevlucht.bsky.social betaling mislukt, maar geld is wél van mijn rekening af. En geen bevestigingsmail. Wat nu? Boekingsnummer heb ik dus ook niet."),
    (M, "nl", "sanne.k", "Kopenhagen gemist natuurlijk. Transferbalie hier: 'u moet de Zeevlucht-app gebruiken'. App: 'neem contact op met de balie'. Kafka had het niet beter kunnen verzinnen."),
    (X, "en", "oliver_hughes", "Landed in Bergen. Crew were lovely, coffee was hot, bag came out first. The wifi thing still annoys me but overall decent @zeevlucht"),
    (X, "nl", "Noor_Yilmaz", "Vegetarische maaltijd vooraf besteld bij @zeevlucht, aan boord 'helaas, staat niet op de lijst'. Dan maar een zakje chips als lunch voor 6 uur vliegen."),
    (F, "nl", "Wim en Joke Prins", "Wij hebben een vraag. Ons kleinkind vliegt in de kerstvakantie alleen naar ons in Spanje, hij is 11. Biedt Zeevlucht begeleiding aan voor kinderen? En wat kost dat?"),
    (X, "en", "techlead_amy", "Zeevlucht's booking site asks for my passport number, then errors, then clears the WHOLE form. Five times. I give up, booking with someone else."),
    (X, "nl", "Stijn_Verhoef", "@zeevlucht Ik heb een klacht ingediend op 3 november over een gemiste aansluiting in Frankfurt. Status: 'in behandeling'. Twee weken. Kan iemand er even naar kijken?"),
    (B, "en", "annaflies", "finally took off after 1h40 on the ground. @zeevlucht.bsky.social crew handed out water and stroopwafels which helped. captain apologised twice. fair enough"),
    (M, "nl", "bartje_", "Zeevlucht, jullie nieuwe reclame met die meeuw op de vleugel is echt hilarisch haha"),
    (X, "nl", "Esther_Kok", "De stewardess op ZV212 zei letterlijk 'daar kan ik niks aan doen' toen mijn stoel kapot bleek. Rugleuning valt naar achter. 3 uur zo gezeten. @zeevlucht"),
    (F, "en", "Hannah Reid", "Zeevlucht cancelled our flight to Edinburgh for the third time this month. Third. Time. We're trying to visit my dad in hospital."),
    (X, "en", "priya_travels", "@zeevlucht quick one: can I add a bike to an existing booking online or only by phone?"),
    (X, "nl", "Ruben_de_Jong", "Koffer bij aankomst in Nice helemaal nat en het wieltje eraf. Binnenin mijn pak doorweekt. Bedankt @zeevlucht, trouwen morgen. #bagage"),
    (B, "nl", "lotte.schreurs", "hoe vraag ik een factuur aan voor mijn zeevlucht ticket? moet het declareren bij de zaak en zie nergens een knop"),
    (M, "en", "frequentflyer_nl", "Zeevlucht Gold status benefits quietly reduced again: no more free seat selection on Light fares. Noted. #zeevlucht #loyalty"),
    (X, "nl", "Yvonne_Mulder", "Al 5x gebeld, telkens 'alle medewerkers zijn in gesprek' en dan wordt de lijn verbroken. Is er bij @zeevlucht nog iemand die de telefoon opneemt?"),
    (X, "en", "backpackbenji", "zeeeeevlucht why is a sandwich €11.50 on a 90 minute flight 😭"),
    (F, "nl", "Theo Wouters", "Vorige week met Zeevlucht naar Porto gevlogen. Alles op tijd, vriendelijke crew, schoon toestel. Zo hoort het. Compliment!"),
    (X, "en", "Karen_on_tour", "@zeevlucht_help Rebooked myself on a competitor. Meeting missed anyway. I will be filing an EU261 claim. Don't bother replying.", {"re": "karen1"}),
    (B, "nl", "tom.vandenberg", "Update: koffer gevonden in Porto(??) en wordt vanavond thuisbezorgd. Fijn dat @zeevlucht.bsky.social via DM wél snel was. Medicijnen kon ik intussen bij de apotheek halen.", {"re": "tom1"}),
    (X, "nl", "Daan_Hendriks", "Claimformulier van @zeevlucht ingevuld voor vertraging. Bij 'verzenden' krijg ik 'error 500'. Serieus 🙃"),
    (M, "nl", "gerdavanloon", "Bij de security op Schiphol vertrek 3 werd mijn handbagage 3 keer opnieuw gescand. Zeevlucht-vlucht bijna gemist. Niet jullie schuld, maar wel een tip: ga echt 2,5 uur van tevoren."),
    (X, "en", "DrLucasF", "Flight attendant on ZV618 handled a medical emergency two rows ahead of me with incredible calm. Whoever trains @zeevlucht crew: well done."),
    (X, "nl", "dolfkanters", "Koffer aangekomen in Carré. Met een bloemetje. Oké @zeevlucht, jullie krijgen vanavond een vrijkaartje. Maar ik blijf jullie wachtmuziek haten.", {"re": "dolf1"}),
]

# The storm: a red weather warning at Schiphol, Zeevlucht cancels most of its afternoon.
BURST = [
    (X, "nl", "schipholwatcher", "Code rood voor Noord-Holland. Schiphol schrapt vanaf 14:00 honderden vluchten. #storm #schiphol"),
    (X, "nl", "reisjournaal", "BREAKING: Zeevlucht annuleert alle vertrekken van Schiphol tussen 14:00 en 20:00 vanwege storm Ilse. Reizigers wordt gevraagd niet naar het vliegveld te komen."),
    (M, "nl", "sanne.k", "En nu is mijn vervangende vlucht vanuit Kopenhagen ook geannuleerd. Ik kom dus gewoon niet meer thuis vandaag. #zeevlucht #storm"),
    (X, "nl", "Bas_Wijnands", "@zeevlucht mijn vlucht naar Barcelona is geannuleerd, wanneer kan ik omboeken?? app laat niks zien"),
    (X, "en", "jessica_lw", "@zeevlucht just got the cancellation SMS. Is there ANY flight to London tomorrow morning? Website crashes every time I try"),
    (B, "nl", "kimvdl", "zeevlucht app geeft 'probeer het later opnieuw' bij omboeken. ja, later is er geen plek meer natuurlijk 😩 #storm"),
    (X, "nl", "Ahmed_B", "Sta bij de transferbalie van Zeevlucht, rij loopt tot aan de Burger King. Niemand weet iets. #schiphol #storm"),
    (F, "nl", "Marjolein Smits", "Onze vlucht naar Gran Canaria is geannuleerd. We zijn met 4 kinderen al op Schiphol. Waar moeten we slapen vannacht??? Zeevlucht neem de telefoon op!!"),
    (X, "en", "oliver_hughes", "Glad I flew this morning. Friends in Amsterdam: check the @zeevlucht app before leaving home, whole afternoon is cancelled #storm"),
    (X, "nl", "Lars_P", "GEANNULEERD. Mijn vlucht naar Wenen. Geen mail, geen sms, ik hoor het van de vertrekborden. @zeevlucht COMMUNICEER NOU EENS"),
    (B, "en", "travelwithnoor", "Anyone know if @zeevlucht.bsky.social is putting people in hotels? Stuck at Schiphol with a connecting ticket to Accra"),
    (X, "nl", "Femke_van_Dijk", "Hoe lang duurt het tegenwoordig om @zeevlucht te bellen? Ik zit op 1 uur 20 en tel door. #storm #wachtmuziek"),
    (M, "en", "luchtvaartnieuws_nl", "Storm Ilse: KLM, Zeevlucht and Transavia cancel a combined 400+ flights at Schiphol this afternoon. Wind gusts up to 120 km/h expected."),
    (X, "nl", "Ricardo_S", "Vlucht ZV1820 naar Lissabon geannuleerd en de omboeking in de app zet me op... donderdag. DONDERDAG. Ik moet morgen werken in Lissabon @zeevlucht"),
    (X, "en", "emmajtravels", "@zeevlucht_help my flight was cancelled but my bag was already checked in. where is my suitcase now?? nobody at the desk knows"),
    (F, "nl", "Peter Kramer", "Zeevlucht, zorg nou eens dat jullie website het doet bij zo'n storing. Ik kan niet omboeken, niet annuleren, niet bellen. Wat wél?"),
    (X, "nl", "Lieke_Meijer", "Mijn ouders (80+) zitten vast op Schiphol na annulering van hun Zeevlucht vlucht naar Faro. Geen hotel aangeboden. Wie kan helpen? @zeevlucht @zeevlucht_help"),
    (B, "nl", "annaflies", "blij dat wij vanochtend nog weg zijn gekomen. sterkte iedereen op schiphol vandaag 😬 #storm"),
    (X, "en", "businessbart", "Zeevlucht cancelled my 16:10 to Frankfurt. Their rebooking tool offers Wednesday evening. I have a client meeting tomorrow 9am. Options?? @zeevlucht"),
    (X, "nl", "Joost_de_Boer", "Code rood en toch staat @zeevlucht nog op 'on time' in de app voor mijn vlucht van 15:30. Moet ik nou wel of niet naar Schiphol??"),
    (X, "nl", "zeevlucht", "Vanwege storm Ilse annuleren wij alle vertrekken van Schiphol tussen 14:00 en 20:00. Je wordt automatisch omgeboekt; check je e-mail en de Zeevlucht-app. Kom niet naar Schiphol als je vlucht is geannuleerd. Onze excuses."),
    (X, "en", "HelenaG", "@zeevlucht 'automatically rebooked' my ass. I got rebooked to Friday. FRIDAY. For a flight that was supposed to leave today."),
    (X, "nl", "Mark_Jacobs", "Omgeboekt via Kopenhagen met 9 uur overstap. Slimme computer daar bij @zeevlucht 🙄 #storm #zeevlucht"),
    (M, "nl", "Ellen_vanRijn", "Lieve Zeevlucht, ik heb geen behoefte aan jullie automatische omboeking naar vrijdag. Ik wil gewoon mijn geld terug. Waar kan dat? De link in de mail geeft een foutmelding."),
    (X, "en", "luke.travels", "The queue at the Zeevlucht service desk at Schiphol is at least 300 people and there are 3 staff. Not blaming the staff, blaming management. #schiphol"),
    (F, "nl", "Anita Verbeek", "Ik ben diabetespatiënt en mijn insuline zit in mijn koffer die al ingecheckt was voor de geannuleerde vlucht. Zeevlucht, ik heb die koffer NU nodig. Wie kan me helpen?"),
    (X, "nl", "Thijs_Verhagen", "Geen trein meer richting Utrecht, vlucht geannuleerd, taxi €180. Dank je storm. En @zeevlucht: een hotelvoucher zou fijn zijn."),
    (X, "nl", "schipholwatcher", "Vertrekhal 2 loopt vol met gestrande Zeevlucht-reizigers. Stretchers worden neergezet in Lounge 2. #storm"),
    (B, "en", "priya_travels", "Friends stuck at AMS, tip: the Zeevlucht chat on WhatsApp actually answered within 10 minutes for my friend. Phone line is hopeless."),
    (X, "nl", "Bas_Wijnands", "Nog steeds niets. App zegt 'geen alternatieven beschikbaar'. Wat betekent dat, moet ik gaan zwemmen naar Barcelona? @zeevlucht"),
    (X, "en", "jessica_lw", "@zeevlucht website back up! Managed to rebook to 7:15 tomorrow. Fingers crossed 🤞"),
    (X, "nl", "Monique_A", "@zeevlucht_help is er nog kans dat de vlucht van 19:50 naar Nice toch gaat? Staat nog open in de app."),
    (M, "nl", "Sander_Wit", "Ik snap dat het stormt, echt waar. Maar Zeevlucht had vanochtend al kunnen zien dat dit eraan kwam. Waarom laat je 1000 mensen eerst naar Schiphol komen?"),
    (X, "nl", "Lars_P", "@zeevlucht 2 uur in de rij, nu aan de beurt, balie gaat DICHT 'door personeelstekort'. Ik geloof het gewoon niet."),
    (X, "en", "SabrinaO", "Zeevlucht agent at desk 12 just rebooked me AND found me a hotel, while being yelled at by the guy in front of me. Give this man a raise @zeevlucht"),
    (X, "nl", "Ricardo_S", "Heb nu zelf maar een treinkaartje naar Parijs gekocht en vlieg van daar. Dat geld wil ik terug @zeevlucht. Bonnetjes bewaard."),
    (F, "nl", "Jan-Willem Brink", "Onze groepsreis (22 personen) naar Rome is geannuleerd. Zeevlucht kan ons pas zaterdag samen omboeken. De halve groep heeft maar 4 dagen vrij. Ik wil een reisleider spreken, niet een chatbot."),
    (X, "nl", "Femke_van_Dijk", "2 uur 5 minuten. Opgehangen door @zeevlucht. Ik geef het op. #storm"),
    (X, "en", "HelenaG", "Just realised @zeevlucht rebooked me to Friday but didn't move my hotel or car. So now I get to cancel and pay for those myself. Cheers."),
    (B, "nl", "Wouter.vd.Bosch", "Ik zit nu al 40 minuten in de Zeevlucht-chatbot loop: 'wil je omboeken?' 'ja' 'ik begrijp je niet'."),
    (X, "nl", "Noortje_Z", "STORM ILSE IS ECHT NIET OKÉ. Vlucht weg, koffer weg, trein weg. ZEEVLUCHT WAAR ZIJN JULLIE"),
    (X, "en", "emmajtravels", "@zeevlucht_help still waiting for an answer about my checked bag from the cancelled flight. It has my laptop charger and meds. Please.", {"key": "emma2"}),
    (X, "en", "zeevlucht_help", "@emmajtravels Hi Emma, bags from cancelled flights are being returned to the baggage hall at belt 14 within about 2 hours. If you need medication urgently, please go to the Zeevlucht service desk and mention it. ^SR", {"re": "emma2"}),
    (M, "nl", "frequentflyer_nl", "Tip voor gestrande Zeevlucht-reizigers: je hebt bij annulering door storm geen recht op compensatie, wél op verzorging (hotel, eten) én de keuze tussen omboeken of terugbetaling. #EU261 #storm"),
    (X, "nl", "Dirk_Hoekstra", "ik heb nu al 3 keer de melding gekregen dat mijn vlucht geannuleerd is en 2 keer dat ie op tijd is. wat is het nou @zeevlucht?"),
    (X, "nl", "Lieke_Meijer", "Update: mijn ouders hebben via een lieve Zeevlucht-medewerker toch een hotel bij Hoofddorp. Dank aan die mevrouw, niet aan het systeem."),
    (F, "en", "Tom Fischer", "Zeevlucht: where do I submit receipts for food and hotel after the cancellation? Your website has three different forms and none of them works."),
    (X, "nl", "Kees_Prins", "Wat een chaos op Schiphol. Complimenten aan het grondpersoneel van @zeevlucht dat het allemaal maar over zich heen krijgt. Sterkte mensen."),
    (X, "en", "adventure_ana", "Was supposed to fly to Iceland with @zeevlucht for my honeymoon tonight 😭 New flight Thursday. Hotel in Reykjavik non-refundable. Who pays for that?"),
    (B, "nl", "sanne.k", "Zeevlucht heeft me in Kopenhagen in een hotel gezet. Morgen 8:40 naar Amsterdam. Eerlijk is eerlijk: de mevrouw aan de transferbalie was top. #storm"),
    (X, "nl", "Mark_Jacobs", "@zeevlucht_help Kunnen jullie mij niet op een directe vlucht morgen zetten ipv die 9 uur overstap via Kopenhagen? Booking ZVK4Q2"),
    (X, "nl", "Gijs_Tuin", "Heeft iemand van @zeevlucht überhaupt een plan B gehad voor storm? Elk jaar hetzelfde liedje in november."),
    (X, "en", "luke.travels", "Update: 3 hours in the queue, desk closed 'until further notice'. Sleeping at Schiphol tonight I guess. @zeevlucht"),
    (M, "nl", "Ellen_vanRijn", "Na 1,5 uur wachten: terugbetaling kan alleen via het formulier. Het formulier dat niet werkt. Cirkel rond. Zeevlucht, echt?"),
    (X, "nl", "Ahmed_B", "Balie zegt: hotel zelf regelen, bonnetjes indienen. Maar alle hotels rond Schiphol zitten vol. Top plan @zeevlucht"),
    (X, "en", "HelenaG", "@zeevlucht_help Please call me. Booking ZV8HN1. Rebooked to Friday, I need to be in Manchester tomorrow for a funeral."),
    (F, "nl", "Marjolein Smits", "Na 4 uur eindelijk een hotel via Zeevlucht. Met 4 moe kinderen in een shuttlebus. Het was een lange dag maar die ene medewerker (Priscilla!) heeft ons gered."),
    (X, "nl", "Bas_Wijnands", "Omgeboekt naar morgen 10:20 via een medewerker op WhatsApp. Kost een halve dag maar het is gelukt. Dank @zeevlucht_help"),
    (X, "en", "stormchaser_nl", "Gust of 128 km/h measured at Schiphol just now. Grounding everything was the right call, people. #storm"),
    (X, "nl", "Wendy_Bakker", "Mijn vlucht van morgenochtend 6:45 staat nog. Gaat die door? Of moet ik ook al gaan omboeken? Niemand weet iets @zeevlucht #storm"),
]

AFTERNOON = [
    (X, "nl", "reisjournaal", "Zeevlucht verwacht dat het vliegverkeer morgenochtend vanaf 6:00 weer normaal op gang komt. Ruim 9.000 reizigers getroffen door annuleringen."),
    (M, "en", "anon_avgeek", "Watching the Zeevlucht fleet parked nose to the wind at Schiphol. Eerie quiet out there. #storm #avgeek"),
    (X, "nl", "Stijn_Verhoef", "Mijn klacht van 3 november is nog steeds 'in behandeling'. Ik snap dat het vandaag druk is @zeevlucht maar het was twee weken lang niet druk."),
    (B, "en", "mariusz_k", "Is Zeevlucht's flight to Gdańsk tomorrow 7am still on? Can't find any update on the site."),
    (X, "nl", "Koen_ICT", "Nog steeds geen bevestigingsmail en nog steeds €389 van mijn rekening af. Drie dagen. Bank zegt: neem contact op met @zeevlucht. Zeevlucht neemt niet op. #zeevlucht"),
    (F, "nl", "Gerrit Postma", "Wat een geweldige dienst. Mijn vrouw was haar trouwring in het vliegtuig verloren en een stewardess van Zeevlucht heeft hem gevonden en persoonlijk naar ons opgestuurd. Nooit verwacht. Dank jullie wel!"),
    (X, "en", "sportsdad77", "@zeevlucht_help still waiting for my €65 refund for the bag I already paid for. Reference ZV-88213. Week 3."),
    (M, "nl", "marieke_reist", "Dag 4, avond: koffer staat nu op 'onderweg naar Sevilla'. Het is een wonder. Tot ik hem zie geloof ik niks. #zeevlucht #bagage", {"re": "marieke1"}),
    (X, "nl", "Hanneke_L", "@zeevlucht waar vind ik de regels voor het meenemen van een kat in de cabine? Wat mag de reismand wegen?"),
    (X, "en", "techlead_amy", "Fun fact: Zeevlucht's website has a cookie banner that covers the 'pay' button on mobile. You literally can't book on a phone. Who tests this?"),
    (B, "nl", "lisa.bakker", "Vanochtend 55 min in de rij, nu hoor ik dat alle middagvluchten geschrapt zijn. Ik heb dus nog geluk gehad geloof ik 😅 #zeevlucht"),
    (X, "nl", "Pieter_Stam", "Zeevlucht heeft me vorige maand €250 compensatie betaald binnen 2 weken na de claim. Had ik niet verwacht eerlijk gezegd. Netjes."),
    (X, "en", "mattyb", "Second @zeevlucht flight this month where the seat in front reclined into my laptop. Could you at least sell extra legroom on ZV702??"),
    (F, "en", "Sophie Laurent", "My husband uses a wheelchair and Zeevlucht damaged it on our flight to Nice. The footrest is gone and the frame is bent. He's now stuck in the hotel. How do we get this repaired urgently?"),
    (X, "nl", "Wendy_Bakker", "Mijn vlucht van morgen 6:45 is dus ook geannuleerd. Nu omgeboekt naar 13:10. Hele ochtend weg. Fijn @zeevlucht"),
    (M, "en", "zeevlucht", "<Update> Storm Ilse is moving east. We expect to operate our full schedule from Schiphol tomorrow from 06:00. Rebooked passengers have received an e-mail. Thank you for your patience."),
    (X, "en", "adventure_ana", "@zeevlucht_help DM'd you my booking for the honeymoon flight. Please tell me there's a seat on Wednesday ❤️‍🩹"),
    (X, "nl", "Vincent_R", "Kan iemand van @zeevlucht mij uitleggen waarom mijn vlucht naar Madrid van vanavond 21:00 ook is geannuleerd terwijl de storm al voorbij is?"),
    (B, "nl", "Wouter.vd.Bosch", "Chatbot gaf het op, mens van vlees en bloed nam het over. Omgeboekt in 4 minuten. Dat kan dus gewoon, Zeevlucht."),
    (X, "nl", "Thijs_Verhagen", "Hotel geregeld via Zeevlucht WhatsApp, eten vergoed tot €25. Niet slecht. Maar die taxi van €180 ga ik wel declareren. Hoe? @zeevlucht_help"),
    (X, "en", "jdekker", "Flying back with @zeevlucht tomorrow. Please let the app work this time. Please. I'm begging."),
    (M, "nl", "gerdavanloon", "Morgen terugvliegen met Zeevlucht vanuit Malaga. Benieuwd of het goed gaat na vandaag. Duimen!"),
    (X, "nl", "HappyHanna", "Mijn tante werkt als stewardess bij Zeevlucht en vertelt dat de crew vandaag 14 uur dienst heeft gedraaid om iedereen thuis te krijgen. Respect! #storm"),
    (X, "en", "backpackbenji", "Not me defending @zeevlucht but people yelling at the desk staff today were something else. They don't control the weather."),
    (F, "nl", "Ria de Groot", "Zeevlucht, 45 dagen later en nog steeds geen €540 terug. Ik ga nu naar de Geschillencommissie. Jammer dat het zo moet."),
    (X, "nl", "Ruben_de_Jong", "Pak laten stomen, koffer vervangen, bruiloft gered. Nu nog kijken of @zeevlucht de kosten vergoedt. Formulier ingediend. #bagage"),
    (X, "en", "Linda_Chen", "Day 2 and Zeevlucht STILL hasn't found my daughter's car seat. We had to buy a new one for $280. Will they reimburse that?"),
    (B, "nl", "kimvdl", "omboeking gelukt via de site na 3 uur proberen. morgen 9:15 naar Berlijn. mijn hoofd is leeg. slaap lekker iedereen #storm"),
    (X, "nl", "Yvonne_Mulder", "Na 6 pogingen vandaag eindelijk iemand van @zeevlucht aan de lijn. Vriendelijk, maar ze kon mijn boeking niet vinden. Moet morgen terugbellen. Ik huil."),
    (M, "en", "luchtvaartnieuws_nl", "Analysis: why Zeevlucht's rebooking system struggled on storm day - the carrier moved to a new reservation platform in September."),
    (X, "nl", "Esther_Kok", "@zeevlucht_help over die kapotte stoel op ZV212 vanochtend: krijg ik daar iets voor terug? Mijn rug is echt niet blij."),
    (X, "en", "DrLucasF", "Since people ask: the passenger on ZV618 is doing fine. Ambulance was waiting at the gate. Seamless. Thank you @zeevlucht crew."),
    (F, "nl", "Henk Bos", "Vanochtend de balie in Eindhoven, nu lees ik al die verhalen over Schiphol. Ik klaag nooit meer. Sterkte allemaal."),
    (X, "nl", "Noortje_Z", "Koffer terug, trein terug, ik ben thuis. Morgen pas boos zijn op Zeevlucht. Nu eerst slapen."),
    (X, "en", "Karen_on_tour", "Filed my EU261 claim with @zeevlucht. Let's see how long the 'automatic' process takes. Bets welcome."),
    (B, "nl", "Femke_van_Dijk", "Vandaag 2 uur in de wacht gestaan bij Zeevlucht. Morgen opnieuw. Iemand tips voor goede wachtmuziek om mee te zingen?"),
    (X, "nl", "Dennis_vdH", "Mijn Zeevlucht puntensaldo staat ineens op 0. Gisteren nog 34.000 punten. Hallo?? @zeevlucht"),
    (M, "nl", "bartje_", "Leuk weetje: het eerste toestel van Zeevlucht heette 'De Meeuw'. Gelezen in het Luchtvaartmuseum. #avgeek"),
]

# Extra daytime posts, threaded through the morning and midday by the assembler below.
EXTRA = [
    (X, "en", "rachel_k", "Booked Zeevlucht through an OTA, now they say I need to contact the OTA and the OTA says contact Zeevlucht. Ping pong. Flight is Friday."),
    (B, "nl", "joepie_joop", "Gratis tip voor Zeevlucht: zet de gatewijziging ook in de app. Wij stonden bij D7, vlucht vertrok van D3. Gehaald, maar met een sprintje."),
    (X, "nl", "IngridVos", "@zeevlucht Mijn naam is verkeerd gespeld op mijn ticket (Ingrud ipv Ingrid). Kan ik zo vliegen of moet dat aangepast worden?"),
    (F, "en", "Marco Bianchi", "Flew Zeevlucht Amsterdam to Milan. Nice crew, clean plane, but 40 euros for a cabin bag is too much. Next time maybe another airline."),
    (M, "nl", "tessa_leest", "Ik lees in de Zeevlucht-app 'uw bagage is onderweg naar de band', 35 minuten later staan we nog steeds bij band 9 te wachten. Niks. #bagage #schiphol"),
    (X, "en", "georgeontheroad", "@zeevlucht_help Can I change the date of my flight on a Light ticket? The website says 'not allowed' but the terms say a fee applies."),
    (X, "nl", "Ferdi_vB", "Stoel 14C op ZV1130 zit vol kauwgom. Crew zei 'we hebben geen andere plek'. Ok dan. @zeevlucht"),
    (B, "en", "charlotte.b", "Zeevlucht: 'your call is important to us'. Clearly not important enough to answer within an hour though."),
    (X, "nl", "Rik_Koster", "Inchecken ging vandaag in 30 seconden via de app en bagage drop duurde 2 minuten. Zo kan het dus ook @zeevlucht 👍"),
    (F, "nl", "Anneke Smit", "Mijn moeder (86) is vandaag met Zeevlucht naar Curaçao gevlogen en werd begeleid van de incheckbalie tot aan haar stoel. Wat fijn dat dit zo goed geregeld is."),
    (X, "en", "kev_in_transit", "ZV223 from Oslo: landed 20 min early, bags on the belt in 10 min. Whoever runs Zeevlucht ground ops in AMS today, thank you."),
    (M, "nl", "laura.vz", "Is de Zeevlucht lounge op Schiphol ook toegankelijk met een Priority Pass? Of alleen voor Gold leden?"),
    (X, "nl", "Jesse_T", "Hebben jullie bij @zeevlucht nou echt het gratis water aan boord afgeschaft? €3,50 voor een flesje. Kom op zeg."),
    (X, "en", "AussieAbroad", "Lost my sunglasses on a Zeevlucht flight from Athens yesterday. Does anyone know if they have a lost and found?"),
    (B, "nl", "Mirjam_H", "Bij het boeken van mijn zeevlucht ticket wordt mijn Maestro-pas niet geaccepteerd en iDEAL staat er niet tussen?! Welke Nederlandse maatschappij heeft nou geen iDEAL"),
    (X, "nl", "Erik_de_Graaf", "@zeevlucht Waarom kost een stoel kiezen €15 als je met je kind van 4 reist? Moet ik haar dan maar 10 rijen verderop zetten?"),
    (X, "en", "JamesPT", "Zeevlucht really need to fix their boarding process. Group 1, then everyone at once. Chaos at gate D6."),
    (F, "nl", "Harry Verschuren", "Zeevlucht check-in Rotterdam The Hague Airport vanochtend: snel, vriendelijk en met een glimlach. Wat een verschil met Schiphol."),
    (M, "en", "Sven_E", "The Zeevlucht in-flight magazine has a crossword where 7 across is 'delay' (5 letters). Self-aware. I respect it."),
    (X, "nl", "Bianca_F", "Mijn koffer is aangekomen met een gat erin en mijn parfum is gebroken. Alles ruikt nu naar Chanel. @zeevlucht hoe meld ik schade?"),
    (X, "en", "NathanBrooks", "@zeevlucht hi, do you offer a student discount? Flying to Amsterdam for an exchange semester."),
    (B, "nl", "roos_vd_berg", "De crew op ZV640 deed een verjaardagsliedje voor mijn oma via de intercom. Hele vliegtuig zong mee. Ik ben nog steeds aan het janken 🥹 Dankjewel Zeevlucht!"),
    (X, "nl", "Youssef_K", "Extra bagage bijboeken in de app kost €35, aan de balie €70. Dat is toch gewoon afzetterij @zeevlucht"),
    (X, "en", "meghan_travels", "Zeevlucht flight attendant rolled her eyes when I asked for a blanket. Hm."),
    (M, "nl", "windmolen_wim", "Door het raam van de Zeevlucht naar Bergen: windturbines op zee zover je kunt kijken. Mooi gezicht. #noordzee"),
    (X, "nl", "SuusjeB", "Heb mijn paspoort in het stoelvak laten zitten op ZV412 van vanochtend. Wie kan ik bellen??? Moet vrijdag weer weg @zeevlucht_help"),
    (F, "en", "Aidan Walsh", "Zeevlucht, my flight was delayed 3h 45m in August. Claim submitted, approved, but the money never came. Reference ZVC-22917."),
    (X, "nl", "Lotte_Dekker", "Kent iemand de Zeevlucht-regels voor sportbagage? Ik wil mijn surfboard meenemen naar Portugal."),
    (B, "en", "j.morales", "zeevlucht boarding pass in apple wallet disappeared after the gate change. had to show a screenshot. worked, but stressful"),
    (X, "nl", "Teun_vd_Wal", "Zit in de Zeevlucht lounge. Wifi werkt niet, stopcontacten bij mijn stoel ook niet. Lekker werkplekje zo. #lounge"),
    (M, "en", "claire_d", "Does anyone know if Zeevlucht's Bergen route runs all winter? Looking at Christmas dates."),
    (X, "nl", "Dewi_P", "Vlucht ZV990 naar Istanbul 3 uur vertraagd en we krijgen een voucher van €7,50. Voor 3 uur op Schiphol. Daar koop je een halve broodje van @zeevlucht"),
    (X, "en", "ella_writes", "Zeevlucht's new 'quiet zone' rows are genuinely great. Slept the whole way to Lisbon."),
    (F, "nl", "Cor van Leeuwen", "Mijn klacht over het missen van mijn aansluiting in Parijs is afgewezen omdat het 'buiten de invloed van Zeevlucht' was. Het was jullie EIGEN vertraging. Ik ga in beroep."),
    (X, "nl", "Mila_Visser", "zeevluchtttt waarom is mijn stoelkeuze weg na het wijzigen van de datum 😭😭"),
    (B, "en", "tomasz.n", "Check-in at Schiphol for Zeevlucht: 4 self-service kiosks, 3 out of order. One working kiosk for a queue of 60."),
    (X, "en", "Liv_Andersen", "@zeevlucht_help My bag arrived in Oslo but the handle is torn off. Do I report this at the airport or online?"),
    (X, "nl", "Koos_Raven", "Crew van Zeevlucht liep bij het uitstappen de hele tijd te lachen en te kletsen terwijl een oudere vrouw haar koffer niet uit het bakje kreeg. Kom op."),
    (M, "nl", "sterrenkijker", "Zeevlucht mag wel eens wat doen aan de geluidsoverlast boven Aalsmeer. Elke 2 minuten een toestel om 6 uur 's ochtends."),
    (X, "en", "FlyGirlNina", "Paid for fast track at Schiphol through Zeevlucht. Fast track lane was closed. Normal queue took 40 min. Refund?"),
    (F, "nl", "Willem Dijkstra", "Ik wil mijn Zeevlucht-account opheffen en al mijn gegevens laten verwijderen (AVG). Nergens op de site een optie voor. Hoe doe ik dat?"),
    (X, "nl", "Jasmijn_O", "Eten aan boord bij @zeevlucht vandaag: een broodje kaas dat nog half bevroren was. Lekker crunchy."),
    (B, "en", "pilotpete", "Respect to the Zeevlucht crew on the Tromsø route, landing in -18 and snow and it felt like a feather."),
    (X, "nl", "Otto_Hermans", "@zeevlucht ik heb vandaag met de kinderen gevlogen en mijn zoon is zijn knuffel kwijt op de vlucht naar Kreta. Het is een blauwe olifant. Alsjeblieft 🙏"),
    (M, "en", "datawonk", "Interesting: Zeevlucht's on-time performance at AMS was 81% in October, better than most European carriers of its size."),
    (X, "nl", "Babs_Jacobs", "Vraag aan @zeevlucht: hoeveel vloeistof mag ik meenemen nu Schiphol die nieuwe scanners heeft? Gelden jullie regels of die van Schiphol?"),
    (X, "en", "chris_cooks", "@zeevlucht I ordered the gluten-free meal and got a regular pasta with a sticker that said GF. It wasn't. Spent the night being sick."),
    (F, "nl", "Greet Huisman", "Update: mijn man heeft uiteindelijk na 50 minuten assistentie gekregen. De begeleider was heel lief, maar 50 minuten staan met zijn heup... Zeevlucht, dit moet beter."),
    (X, "nl", "Arjan_M", "Wat is het nou bij @zeevlucht: mag een rugzak als persoonlijk item mee naast mijn trolley of niet? De ene medewerker zegt ja, de andere nee."),
    (B, "en", "sunny.side", "zeevlucht just sent me a survey about a flight I never took?? did someone use my account"),
    (X, "nl", "Nina_Boer", "Wat een vriendelijke piloot bij Zeevlucht. Kwam na de landing de kinderen even de cockpit laten zien. Mijn zoon is nu vastbesloten piloot te worden ✈️"),
    (X, "en", "BudgetBen", "Zeevlucht sale: Amsterdam to Rome €39. Booked in 2 minutes, actually smooth. Who are you and what did you do with the old website?"),
    (M, "nl", "hendrik_b", "Hebben meer mensen last van de Zeevlucht-app die steeds crasht sinds de laatste update? iPhone 13, iOS 19."),
    (X, "nl", "Carola_W", "@zeevlucht_help boekingsbevestiging zegt 2 volwassenen, de app toont er maar 1. Welke klopt?"),
    (F, "en", "Greta Olsen", "I waited 40 minutes at the Zeevlucht transfer desk in Amsterdam to be told I was at the wrong desk. The right desk was closed."),
    (X, "en", "travelmum_jo", "Thank you Zeevlucht for the family check-in lane at Schiphol today. With 3 kids and 5 bags it made all the difference 💙"),
    (X, "nl", "Maarten_Rood", "Mijn bagage ging naar Stockholm in plaats van Göteborg. Al 2 dagen zonder warme kleding bij -5. Ik heb €300 uitgegeven aan een jas. @zeevlucht vergoeden jullie dat?"),
    (B, "nl", "Ilse_Brouwer", "Dag 23 zonder antwoord van Zeevlucht over mijn kapotte koffer. Ik begin een aftelkalender."),
    (X, "en", "rachel_k", "Update: OTA finally refunded, Zeevlucht had it all along apparently. Nobody talks to anyone in this industry."),
]

# More daytime posts, spread over morning, midday and afternoon.
EXTRA2 = [
    (X, "nl", "wesley_88", "Zeevlucht & Schiphol: de perfecte combinatie voor wie graag in de rij staat. #maandag"),
    (X, "en", "Gabi_Runs", "@zeevlucht booked AMS-CPH & back, got a confirmation for AMS-CPH only. Return just... gone? Paid for both.", {"key": "gabi"}),
    (X, "en", "zeevlucht_help", "@Gabi_Runs Hi Gabi, sorry for the scare! Could you DM us your booking code? We'll check both legs for you. ^TV", {"re": "gabi"}),
    (X, "en", "Gabi_Runs", "@zeevlucht_help Sent! Thanks for the quick reply.", {"re": "gabi"}),
    (X, "en", "zeevlucht_help", "@Gabi_Runs All fixed: the return was there, the e-mail just missed it. A new confirmation is on its way. Have a great trip! ^TV", {"re": "gabi"}),
    (X, "en", "Gabi_Runs", "@zeevlucht_help Got it, both flights there now. That's how you do it 👌", {"re": "gabi"}),
    (M, "nl", "anouk_schrijft", "Tussen Zeevlucht-reclames door op Spotify: 'vlieg zorgeloos'. Mijn koffer van vorige week is het daar niet mee eens."),
    (B, "nl", "Pieter.G", "Mijn vriendin zit in het vliegtuig van Zeevlucht naar Praag en ik volg het hele ding op Flightradar. Is dit normaal gedrag of ben ik verliefd 😂"),
    (X, "nl", "Dirk_Hoekstra", "@zeevlucht ik moet voor mijn werk vaak naar Hamburg, is er zoiets als een abonnement of bundel bij jullie?"),
    (F, "nl", "Truus Verkerk", "Hallo Zeevlucht. Ik ben 79 en heb geen smartphone. Hoe kan ik inchecken zonder app? Op de brief staat alleen een QR-code."),
    (X, "en", "Rob_Kwan", "Why does @zeevlucht charge me a 'payment fee' of €9 for using a debit card? It's 2026."),
    (X, "nl", "Floor_Hendrix", "WAAROM IS MIJN KOFFER NOG STEEDS NIET HIER @zeevlucht IK STA AL 50 MINUTEN BIJ BAND 11"),
    (B, "en", "dan.flies", "Zeevlucht's new A220s are so quiet. Big windows too. Nice upgrade on the Vienna route."),
    (X, "nl", "Hugo_Pel", "Ik heb nu al 3x mijn telefoonnummer gewijzigd in mijn Zeevlucht-profiel en elke keer staat het oude er weer. Sms'jes over vertraging gaan dus naar mijn ex. Lol. @zeevlucht"),
    (M, "en", "wanderlust_will", "Zeevlucht cabin crew announced the landing in Dutch, English AND Frisian. Didn't know I needed that today."),
    (X, "nl", "Manon_S", "Bij de Zeevlucht balie op Eindhoven kreeg ik gratis een upgrade omdat ik jarig ben 🎂 Wat lief!!"),
    (X, "en", "ThatGuyMike", "@zeevlucht_help Hello?? I've sent 3 DMs since Friday about my damaged stroller. Still nothing.", {"key": "mike"}),
    (X, "en", "zeevlucht_help", "@ThatGuyMike Hi Mike, we're sorry for the wait, it's very busy. We've found your DMs and a colleague will get back to you today. ^EV", {"re": "mike"}),
    (X, "en", "ThatGuyMike", "@zeevlucht_help 'Today' is almost over. Still nothing.", {"re": "mike"}),
    (F, "en", "Kate Brennan", "Zeevlucht, please bring back the cheese sandwich on the Dublin flights. The new 'wrap' is an insult to cheese."),
    (X, "nl", "Sjoerd_K", "Met @zeevlucht naar Bergen en de piloot zegt 'we hebben rugwind, we zijn 25 minuten te vroeg'. Dit zijn de berichten die ik wil horen 🙌"),
    (B, "nl", "Ilona.w", "waar kan ik zien of mijn zeevlucht vlucht een stopcontact aan boord heeft? moet werken tijdens de vlucht"),
    (X, "en", "Priscilla_M", "When @zeevlucht asks how your flight was and you have to pick between 1 and 10 but the answer is 'well the wifi died, the food was cold, the crew were angels'. 6?"),
    (X, "nl", "RutgerB", "Check-in automaat op Schiphol print mijn bagagelabel niet. Medewerker: 'die doet dat vaker'. Vervolgens 20 min wachten op een handmatig label. @zeevlucht"),
    (M, "nl", "dierenarts_ineke", "Onze hond mocht mee in de cabine bij Zeevlucht, alles keurig geregeld en de crew had zelfs een bakje water. Dankjewel!"),
    (X, "en", "Jon_Pritchard", "@zeevlucht My flight from Edinburgh arrived at 23:55, your baggage service desk closed at 23:30. Bag never came. Who do I talk to?"),
    (X, "nl", "Jolanda_v", "nou nou nou @zeevlucht.... 2 uur vertraging, niks te eten aangeboden, de crew wist van niks. wat een dag zo"),
    (F, "nl", "Ben Groen", "Wij hebben in juni een vlucht geboekt met Zeevlucht en nu is het vertrektijdstip 6 uur naar voren gezet. Dat past niet. Kunnen we kosteloos annuleren?"),
    (X, "en", "MeganK", "@zeevlucht is there a way to merge two frequent flyer accounts? I accidentally made one with my work email"),
    (B, "en", "oskar.l", "Zeevlucht staff at gate C9 let my daughter 'help' with the boarding announcement. She's five and she will never forget it. Thank you."),
    (X, "nl", "Gertjan_Visser", "@zeevlucht ik heb een rolstoel aangevraagd voor mijn vader maar krijg geen bevestiging. Staat het erin of niet? Vliegen donderdag."),
    (X, "nl", "Evi_Lam", "Het lijkt wel of je bij Zeevlucht alleen gehoord wordt als je 800.000 volgers hebt. Wij gewone klanten kunnen wachten tot we een ons wegen."),
    (M, "en", "hiker_hannes", "Took my skis on Zeevlucht to Innsbruck, free as sports luggage on Standard. Checked in fine, arrived fine. 10/10."),
    (X, "en", "lena_k_", "Zeevlucht changed my flight time 3 times in a month and each email says 'no action needed'. Yes action needed, I have a train to catch!!"),
    (X, "nl", "TomTurbo", "Wie heeft die Zeevlucht-meeuw-reclame gemaakt, ik wil die persoon een taart sturen 🎂😂"),
    (F, "nl", "Lia Mol", "Mijn dochter had een noodgeval en moest terug naar huis. Zeevlucht heeft haar ticket zonder kosten omgezet. Wat een menselijke reactie. Dank."),
    (X, "nl", "Ronald_dK", "@zeevlucht_help Mijn vlucht is geannuleerd 'vanwege operationele redenen'. Wat zijn dat? Heb ik recht op compensatie?"),
    (X, "en", "Hugo_Laurent", "Zeevlucht seat 1A has no window. Paid €30 to 'choose the best seat'. Interesting definition of best."),
    (B, "nl", "jorien.b", "Het lampje boven mijn stoel op de Zeevlucht naar Wenen ging niet uit. 2 uur lang een spotlight op mijn hoofd. Crew kon er niks aan doen. Ik kan nu verhoren afnemen 😂"),
    (X, "nl", "Frank_Aalbers", "Beste @zeevlucht, mijn e-ticket heeft een andere achternaam dan mijn paspoort sinds mijn huwelijk. Moet ik een nieuw ticket kopen???"),
    (X, "en", "ZoeP", "@zeevlucht when will you fly to Porto from Rotterdam again? You used to!"),
    (M, "nl", "gepensioneerd_gerard", "Vroeger kreeg je bij Zeevlucht nog een echte maaltijd en een warme handdoek. Nu een zakje nootjes en een 'fijne vlucht'. Tja."),
    (X, "nl", "Sara_Hamid", "Ik heb een gebroken been en had om een stoel aan het gangpad gevraagd. Zeevlucht zet me bij het raam. Overstappen lukte niet. Echt pijnlijk dit."),
    (X, "en", "Marcus_G", "Shoutout @zeevlucht for the lightning fast refund, €214 back in 4 days. That's how you keep customers."),
    (X, "nl", "lindaaa_x", "@zeevlucht jullie crew is echt zooo liefff, bedankt voor de extra stroopwafel 🥰🥰"),
    (B, "en", "norah.s", "Why does the Zeevlucht app ask me to rate my flight before I've even boarded? 🤔"),
    (X, "nl", "PaulvanDam", "Voor de vierde keer dit jaar is mijn bagage niet meegekomen met Zeevlucht. VIERDE KEER. Ik neem voortaan alleen nog handbagage mee, of een andere maatschappij."),
    (F, "en", "Robert Hale", "Can someone at Zeevlucht explain why I was charged €60 to change a flight that YOU changed? Reference ZVX-4410."),
    (X, "en", "liv_jensen", "@zeevlucht_help I think I left my AirPods in seat 18F on ZV223 this morning. Is there a lost and found form?"),
    (X, "nl", "Mees_Bakker", "Bij Zeevlucht betaal je tegenwoordig voor alles behalve de lucht. Geef het nog een jaar."),
    (M, "en", "quietflyer", "Zeevlucht did a really nice thing: the crew dimmed the cabin lights early on the night flight from Curaçao so everyone could sleep."),
    (X, "nl", "EllaDeVries", "Hoi @zeevlucht! Kunnen we als groep (14 pers) met korting boeken? Het is voor een schoolreis naar Londen."),
    (X, "en", "Chris_Vance", "Zeevlucht boarding pass says gate D4. Screens say D12. Gate agent at D4 says 'no idea'. We ran. Made it. Barely."),
    (X, "nl", "Margot_vR", "Mijn klacht van 4 weken geleden: 'u ontvangt binnen 5 werkdagen een reactie'. Hoeveel werkdagen zitten er in een Zeevlucht-week?"),
    (B, "nl", "bram.t", "vliegen met zeevlucht voelt een beetje als met de bus, maar dan met turbulentie. prima verder."),
    (X, "en", "Amira_T", "@zeevlucht My booking shows 'ticket not issued' 2 days after payment. Flight is in 5 days. Help?", {"key": "amira"}),
    (X, "en", "zeevlucht_help", "@Amira_T Hi Amira, we see the payment but the ticket indeed wasn't issued. We've fixed it, you'll get the e-ticket within the hour. Sorry! ^MK", {"re": "amira"}),
    (X, "en", "Amira_T", "@zeevlucht_help received, thank you so much 🙏", {"re": "amira"}),
    (F, "nl", "Karel Wijnen", "Zeevlucht, de extra beenruimte stoelen op de nooduitgang zijn een aanrader. Voor €25 extra een stuk comfortabeler dan vorige keer."),
    (X, "nl", "Jos_Vermeer", "Zeevlucht, jullie stewards kunnen niks aan het weer doen. Maar een briefje 'we weten het ook niet' is beter dan niks zeggen."),
    (X, "en", "AnnaSchmidt", "Hello @zeevlucht, I'm flying from Frankfurt with a connection to Bergen. Will my bag be checked through or do I collect it in Amsterdam?"),
    (M, "nl", "marieke_reist", "Even een positief noot tussen het gemopper door: de crew van ZV1420 gisteren was echt geweldig. Het probleem zit niet bij de mensen in de lucht."),
    (X, "nl", "Stan_K", "@zeevlucht mijn vlucht van vanochtend had 45 min vertraging en ik heb daardoor mijn trein gemist. Vergoeden jullie het nieuwe treinkaartje?"),
    (B, "en", "elisa.rome", "Zeevlucht handed out free Dutch cheese samples at the gate in Rome. Marketing genius. I will fly with you forever."),
    (X, "nl", "Harm_J", "@zeevlucht Bij het online inchecken kan ik mijn paspoort niet scannen, de camera blijft zwart. Android 15."),
    (X, "en", "Sanjay_R", "Zeevlucht's 'premium' check-in at Schiphol had a longer queue than economy. Make it make sense."),
    (F, "nl", "Ineke Wolters", "Wat een teleurstelling. Koffer van mijn zoon kwam terug met een opengebroken slot en zijn koptelefoon is weg. Zeevlucht zegt 'wend u tot Schiphol'. Schiphol zegt 'wend u tot Zeevlucht'."),
    (X, "nl", "Tim_Ooms", "Zeevlucht gaat eindelijk naar Marrakech vliegen! Eerste vlucht staat al in mijn agenda 🇲🇦"),
    (X, "en", "flyingfrank", "@zeevlucht why was my upgrade bid 'unsuccessful' when business class went out half empty?"),
    (B, "nl", "mariejo.d", "ik zat naast de piloot van zeevlucht in de trein naar Schiphol (hij vloog niet, hij was passagier). Aardige vent. Geen klachten verder."),
    (X, "nl", "Maarten_Rood", "Dag 3 in Göteborg. Koffer is eindelijk hier. Nu de €300 voor die jas nog. Formulier ingestuurd @zeevlucht. Ik hou jullie op de hoogte.")
]


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def mastodon_html(text):
    body = html.escape(text, quote=False)
    body = body.replace("@zeevlucht_help",
                        '<span class="h-card"><a href="https://mastodon.nl/@zeevlucht_help" '
                        'class="u-url mention">@<span>zeevlucht_help</span></a></span>')
    words = []
    for word in body.split(" "):
        if word.startswith("#") and len(word) > 1:
            tag = word[1:].rstrip(".,!?")
            rest = word[1 + len(tag):]
            word = ('<a href="https://mastodon.nl/tags/' + tag.lower() +
                    '" class="mention hashtag" rel="tag">#<span>' + tag + "</span></a>" + rest)
        words.append(word)
    return "<p>" + " ".join(words) + "</p>"


def render(source, text):
    if source == "mastodon":
        return mastodon_html(text)
    if source == "x":
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def author(source, who):
    name, followers, verified = PEOPLE.get(who, (None, None, False))
    if source == "facebook" and " " in who:
        name, handle = who, None
    else:
        handle = who
    if name is None:
        name = who.replace("_", " ").replace(".", " ").strip().title()
    if followers is None:
        followers = int(RNG.lognormvariate(5.0, 1.3))
    out = {"name": name, "followers": followers, "verified": verified}
    if handle:
        if source == "mastodon":
            handle = handle + "@mastodon.nl"
        elif source == "bluesky":
            handle = handle + ".bsky.social"
        out = {"handle": handle, **out}
    return out


def main():
    day = datetime.datetime(2026, 11, 16, tzinfo=datetime.timezone.utc)
    # Morning and midday get the extra posts woven in, so the day does not read in blocks.
    # Threads (posts with a key or re) keep their written order, so they are woven as one unit.
    units = []
    for post in EXTRA2:
        options = post[4] if len(post) > 4 else {}
        if "re" in options:
            units[-1].append(post)
        else:
            units.append([post])
    half = len(EXTRA) // 2
    extras = ([[post] for post in EXTRA[:half]] + units[:len(units) // 3],
              [[post] for post in EXTRA[half:]] + units[len(units) // 3:2 * len(units) // 3],
              units[2 * len(units) // 3:])
    daytime = []
    for block, woven in zip((MORNING, MIDDAY, AFTERNOON), extras):
        mixed = [[post] for post in block]
        for unit in woven:
            mixed.insert(RNG.randrange(1, len(mixed) + 1), unit)
        daytime.append([post for unit in mixed for post in unit])
    # Replies must come after what they answer: keep keyed threads in their written order.
    schedule = []
    clock = day.replace(hour=5, minute=32)
    for post in daytime[0]:
        schedule.append((clock, post))
        clock += datetime.timedelta(seconds=RNG.randint(45, 200))
    for post in daytime[1]:
        schedule.append((clock, post))
        clock += datetime.timedelta(seconds=RNG.randint(40, 170))
    burst_start = day.replace(hour=13, minute=5)
    assert clock < burst_start, clock
    clock = burst_start
    for post in BURST:
        schedule.append((clock, post))
        clock += datetime.timedelta(seconds=RNG.randint(3, 14))
    assert clock < burst_start + datetime.timedelta(minutes=10), clock
    clock += datetime.timedelta(minutes=4)
    for post in daytime[2]:
        schedule.append((clock, post))
        clock += datetime.timedelta(seconds=RNG.randint(120, 330))

    keyed = {}
    counter = {"mastodon": 113_508_221_004_000_000, "bluesky": 0, "x": 1_990_412_337_000_000_000,
               "facebook": 0}
    for moment, post in schedule:
        source, lang, who, text = post[:4]
        options = post[4] if len(post) > 4 else {}
        counter[source] += RNG.randint(1_000, 900_000) if source in ("mastodon", "x") else 1
        serial = counter[source]
        if source == "bluesky":
            rkey = "3l" + "".join(RNG.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(11))
            post_id = "bluesky-" + rkey
        else:
            post_id = f"{source}-{serial}"
        record = {"id": post_id, "source": source, "text": render(source, text), "lang": lang,
                  "created_at": rfc3339(moment), "author": author(source, who)}
        handle = record["author"].get("handle", "")
        if source == "mastodon":
            record["url"] = f"https://mastodon.nl/@{who}/{serial}"
        elif source == "bluesky":
            record["url"] = f"https://bsky.app/profile/{handle}/post/{post_id[8:]}"
        elif source == "x":
            record["url"] = f"https://x.com/{who}/status/{serial}"
        else:
            record["url"] = f"https://www.facebook.com/zeevlucht/posts/{1_000_200 + serial}"
        if "re" in options:
            root = keyed[options["re"]]
            record["in_reply_to"] = root["last"]
            record["conversation"] = root["root"]
            root["last"] = post_id
        if "key" in options:
            keyed[options["key"]] = {"root": post_id, "last": post_id}
            record["conversation"] = post_id
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
